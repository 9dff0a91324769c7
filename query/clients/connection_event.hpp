#pragma once

#include <string_view>

#include "flowfile/record.hpp"
#include "flowfile/record6.hpp"

namespace flowquery {

// The `event` column: was the connection this flow belongs to established?
// A flow is one direction of a connection, and NetFlow keeps only the TCP
// flags OR-ed over its packets (plus packet and byte counts), so the answer is
// read from that union, in this order:
//
//   1. protocol is not TCP (6)            -> "n/a"  (no handshake to judge)
//   2. no flag at all                     -> "unknown" (the exporter sent none;
//                                            many v5 exporters leave 0 for
//                                            flows they did not track)
//   3. SYN and ACK both seen              -> "successful"
//   4. SYN seen, ACK never                -> "unsuccessful" (the SYN got no
//                                            answer, or a RST without an ACK)
//   5. RST seen, no SYN, no FIN, no PSH,
//      at most 3 packets                  -> "unsuccessful" (a refusal)
//   6. ACK seen, no SYN                   -> "successful" (a connection whose
//                                            handshake fell into an earlier
//                                            flow, cut by the active timeout)
//   7. anything else (FIN, PSH, URG or a
//      longer RST run without SYN or ACK) -> "unsuccessful" (no stack sends
//                                            such packets inside a connection;
//                                            they are scans)
//
// How the two directions of a connection come out:
//   accepted:  client -> server  SYN, ACK, PSH, FIN   rule 3  successful
//              server -> client  SYN+ACK, PSH, FIN     rule 3  successful
//   refused:   client -> server  SYN (one or retried)  rule 4  unsuccessful
//              server -> client  RST+ACK, 1 packet     rule 5  unsuccessful
//   no answer: client -> server  SYN                   rule 4  unsuccessful
//              (no flow back)
//
// "Without data" in rule 5: a refusal is one RST+ACK of 40 bytes per SYN
// received, with neither PSH (data pushed) nor FIN (a graceful close, which
// needs an established connection).  A client that retries a refused connect
// from the same port gets one RST per attempt, hence up to 3 packets (three
// attempts is what Windows makes).  Anything longer, or carrying PSH or FIN,
// is the tail of a real connection that ended with a reset, cut from its start
// by the active timeout: rule 6 calls it successful.  The one case this gets
// wrong is a long connection whose last flow, after a timeout cut, holds
// nothing but its final 1 to 3 packets ending in RST.
enum class ConnectionEvent { successful, unsuccessful, unknown, not_tcp };

ConnectionEvent classify_connection(const flowfile::Record& r);
ConnectionEvent classify_connection(const flowfile::Record6& r);

// "successful", "unsuccessful", "unknown", "n/a".
std::string_view event_name(ConnectionEvent e);

}  // namespace flowquery
