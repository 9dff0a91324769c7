#!/usr/bin/python3
"""Lists what each stored datagram holds: header, then every set with its id and, for
(options) templates, the fields; for data sets the template and the record count.

With --records every data record is listed too, field by field (numbers as unsigned
big-endian integers, addresses in text), so the exporter's own values can be compared
with the collector's decoding independently of nfdump.
Usage: dissect.py [--records] FILE...
"""
import ipaddress
import struct
import sys

# NetFlow v9 options templates number their scope fields from their own small table (RFC 3954 6.1).
V9_SCOPES = {1: "scopeSystem", 2: "scopeInterface", 3: "scopeLineCard", 4: "scopeCache", 5: "scopeTemplate"}

ADDRESS_IES = {8, 12, 15, 18, 27, 28, 62, 63, 130, 131}

IE_NAMES = {
    1: "octetDeltaCount", 2: "packetDeltaCount", 4: "protocolIdentifier", 5: "ipClassOfService",
    6: "tcpControlBits", 7: "sourceTransportPort", 8: "sourceIPv4Address", 9: "sourceIPv4PrefixLength",
    10: "ingressInterface", 11: "destinationTransportPort", 12: "destinationIPv4Address",
    13: "destinationIPv4PrefixLength", 14: "egressInterface", 15: "ipNextHopIPv4Address",
    16: "bgpSourceAsNumber", 17: "bgpDestinationAsNumber", 18: "bgpNextHopIPv4Address",
    21: "flowEndSysUpTime", 22: "flowStartSysUpTime", 27: "sourceIPv6Address", 28: "destinationIPv6Address",
    29: "sourceIPv6PrefixLength", 30: "destinationIPv6PrefixLength", 31: "flowLabelIPv6",
    32: "icmpTypeCodeIPv4", 34: "samplingInterval", 35: "samplingAlgorithm", 36: "flowActiveTimeout",
    37: "flowIdleTimeout", 40: "exportedOctetTotalCount", 41: "exportedMessageTotalCount",
    42: "exportedFlowRecordTotalCount", 48: "samplerId", 49: "samplerMode", 50: "samplerRandomInterval",
    56: "sourceMacAddress", 58: "vlanId", 60: "ipVersion", 61: "flowDirection", 62: "ipNextHopIPv6Address",
    63: "bgpNextHopIPv6Address", 80: "destinationMacAddress", 85: "octetTotalCount", 86: "packetTotalCount",
    89: "forwardingStatus", 95: "applicationId", 96: "applicationName", 128: "bgpNextAdjacentAsNumber",
    129: "bgpPrevAdjacentAsNumber", 130: "exporterIPv4Address", 131: "exporterIPv6Address",
    136: "flowEndReason", 139: "icmpTypeCodeIPv6", 144: "exportingProcessId", 148: "flowId",
    149: "observationDomainId", 150: "flowStartSeconds", 151: "flowEndSeconds",
    152: "flowStartMilliseconds", 153: "flowEndMilliseconds", 154: "flowStartMicroseconds",
    155: "flowEndMicroseconds", 143: "meteringProcessId", 160: "systemInitTimeMilliseconds", 176: "icmpTypeIPv4", 177: "icmpCodeIPv4",
    82: "interfaceName", 210: "paddingOctets", 302: "selectorId", 304: "selectorAlgorithm", 305: "samplingPacketInterval", 306: "samplingPacketSpace",
}


def ie_text(ie, length, pen=None):
    name = IE_NAMES.get(ie, "?") if pen is None else f"pen{pen}"
    return f"{ie}({name})/{length}"


def value_text(ie, raw):
    if ie in ADDRESS_IES and len(raw) in (4, 16):
        return str(ipaddress.ip_address(raw))
    return str(int.from_bytes(raw, "big"))


def template_fields(body, pos, count, ipfix, layout=None):
    """Returns (fields text, record length, new pos); appends (ie, length) to layout."""
    fields, reclen = [], 0
    for _ in range(count):
        ie, length = struct.unpack_from("!HH", body, pos)
        pos += 4
        pen = None
        if ipfix and ie & 0x8000:
            (pen,) = struct.unpack_from("!I", body, pos)
            pos += 4
            ie &= 0x7FFF
        fields.append(ie_text(ie, length, pen))
        if layout is not None:
            layout.append((ie if pen is None else None, length))
        reclen = None if reclen is None or length == 0xFFFF else reclen + length
    return fields, reclen, pos


def dissect(path, templates, records):
    data = open(path, "rb").read()
    version = struct.unpack_from("!H", data)[0]
    out = []
    if version == 5:
        _, count, uptime, secs, nsecs, seq, etype, eid, sampling = struct.unpack_from("!HHIIIIBBH", data)
        out.append(f"{path}: v5 {len(data)} bytes, count {count}, sysUptime {uptime}, unix_secs {secs}, "
                   f"unix_nsecs {nsecs}, flow_sequence {seq}, engine {etype}/{eid}, sampling 0x{sampling:04x}")
        for r in range(count if records else 0):
            (src, dst, nh, inif, outif, pkts, octets, first, last, sport, dport, _, flags, proto, tos,
             sas, das, smask, dmask, _) = struct.unpack_from("!4s4s4sHHIIIIHHBBBBHHBBH", data, 24 + 48 * r)
            a = lambda b: str(ipaddress.ip_address(b))
            out.append(f"    src={a(src)} dst={a(dst)} nexthop={a(nh)} in={inif} out={outif} packets={pkts} "
                       f"octets={octets} first={first} last={last} sport={sport} dport={dport} flags={flags} "
                       f"proto={proto} tos={tos} src_as={sas} dst_as={das} src_mask={smask} dst_mask={dmask}")
        return out
    if version == 9:
        _, count, uptime, secs, seq, source = struct.unpack_from("!HHIIII", data)
        out.append(f"{path}: v9 {len(data)} bytes, count {count}, sysUptime {uptime}, unix_secs {secs}, "
                   f"sequence {seq}, source_id {source}")
        pos, ipfix = 20, False
        tmpl_set, opt_set = 0, 1
    elif version == 10:
        _, length, export_time, seq, domain = struct.unpack_from("!HHIII", data)
        out.append(f"{path}: ipfix {len(data)} bytes (header length {length}), export_time {export_time}, "
                   f"sequence {seq}, observation_domain {domain}")
        pos, ipfix = 16, True
        tmpl_set, opt_set = 2, 3
    else:
        return [f"{path}: unknown version {version}"]
    while pos + 4 <= len(data):
        set_id, set_len = struct.unpack_from("!HH", data, pos)
        if set_len < 4:
            out.append(f"  set {set_id} with bad length {set_len}")
            break
        body = data[pos:pos + set_len]
        p = 4
        if set_id == tmpl_set:
            out.append(f"  template set ({set_id}), {set_len} bytes")
            while p + 4 <= len(body):
                tid, count = struct.unpack_from("!HH", body, p)
                layout = []
                fields, reclen, p = template_fields(body, p + 4, count, ipfix, layout)
                templates[tid] = (reclen, 0, layout)
                out.append(f"    template {tid}: {count} fields, record {reclen} bytes: " + " ".join(fields))
        elif set_id == opt_set:
            out.append(f"  options template set ({set_id}), {set_len} bytes")
            while p + 6 <= len(body):
                layout = []
                if ipfix:
                    tid, count, scopes = struct.unpack_from("!HHH", body, p)
                    fields, reclen, p = template_fields(body, p + 6, count, True, layout)
                    scope_f, rest = fields[:scopes], fields[scopes:]
                else:
                    tid, scope_len, opt_len = struct.unpack_from("!HHH", body, p)
                    scope_f, r1, p = template_fields(body, p + 6, scope_len // 4, False, layout)
                    scope_f = [V9_SCOPES.get(int(f.split("(")[0]), "scope?") + f[f.index("/"):] for f in scope_f]
                    rest, r2, p = template_fields(body, p, opt_len // 4, False, layout)
                    reclen = None if r1 is None or r2 is None else r1 + r2
                    # v9 pads each options template to 4 bytes.
                    p += (4 - p % 4) % 4
                templates[tid] = (reclen, 1, layout)
                out.append(f"    options template {tid}: scope " + " ".join(scope_f)
                           + " ; options " + " ".join(rest) + f" ; record {reclen} bytes")
        elif set_id >= 256:
            reclen, is_options, layout = templates.get(set_id, (None, 0, []))
            kind = "options data" if is_options else "data"
            if reclen:
                n, pad = divmod(set_len - 4, reclen)
                out.append(f"  {kind} set for template {set_id}, {set_len} bytes: {n} records"
                           + (f" + {pad} padding bytes" if pad else ""))
                for r in range(n if records else 0):
                    q, values = 4 + r * reclen, []
                    for ie, length in layout:
                        values.append(f"{ie if ie is not None else 'pen'}={value_text(ie, body[q:q + length])}")
                        q += length
                    out.append("    " + " ".join(values))
            else:
                out.append(f"  {kind} set for template {set_id}, {set_len} bytes (template not seen yet)")
        else:
            out.append(f"  reserved set id {set_id}, {set_len} bytes")
        pos += set_len
    if pos != len(data):
        out.append(f"  {len(data) - pos} trailing bytes")
    return out


# Templates are scoped per exporter stream: the caller lists one stream's files in order.
args = sys.argv[1:]
with_records = bool(args) and args[0] == "--records"
seen = {}
for f in args[with_records:]:
    print("\n".join(dissect(f, seen, with_records)))
