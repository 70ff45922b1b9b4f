-- steamsim.lua: a Wireshark / tshark dissector for steamsim's wire format.
--
-- steamsim (a simulator of the Steam Networking Messages API) sends every datagram over real
-- UDP sockets; `steamsim run --pcap FILE` captures them. This dissector finds steamsim
-- datagrams on any UDP port (heuristically: magic "SSIM", version 1) and decodes the
-- 44-byte header and every frame: acks with their ranges, reliable stream segments with the
-- messages they carry (message number, channel, size), unreliable messages and fragments,
-- connection-quality stats and close reasons. It checks each datagram's CRC-32C.
--
-- Use:
--   wireshark -X lua_script:tools/wireshark/steamsim.lua capture.pcap
--   tshark -X lua_script:tools/wireshark/steamsim.lua -o udp.try_heuristic_first:TRUE \
--          -r capture.pcap -Y steamsim -T fields -e steamsim.from -e steamsim.msg.number
-- or copy the file to Wireshark's personal plugins folder (Help > About > Folders).
--
-- Wire format (little-endian): magic u32 "SSIM" | version u8 | type u8 | flags u16 |
-- from SteamID u64 | to SteamID u64 | from_conn u32 | to_conn u32 | packet_number u64 |
-- checksum u32 (CRC-32C of the datagram with this field zeroed), then frames: a type byte
-- and a body of LEB128 varints (channels zigzag-encoded).

local bitops = bit32 or bit

local steamsim = Proto("steamsim", "steamsim datagram")

local packet_types = {
  [1] = "ConnectRequest", [2] = "ConnectAccept", [3] = "Data", [4] = "Close", [5] = "NoConnection",
}
local frame_types = {
  [1] = "Ack", [2] = "ReliableSegment", [3] = "Unreliable", [4] = "UnreliableFragment",
  [5] = "Stats", [6] = "Close",
}

local f = {
  magic = ProtoField.uint32("steamsim.magic", "Magic", base.HEX),
  version = ProtoField.uint8("steamsim.version", "Version"),
  type = ProtoField.uint8("steamsim.type", "Packet type", base.DEC, packet_types),
  flags = ProtoField.uint16("steamsim.flags", "Flags", base.HEX),
  ack_now = ProtoField.bool("steamsim.flags.ack_now", "Acknowledge now (ping/keepalive)", 16, nil, 0x0001),
  from = ProtoField.uint64("steamsim.from", "From Steam ID"),
  to = ProtoField.uint64("steamsim.to", "To Steam ID"),
  from_conn = ProtoField.uint32("steamsim.from_conn", "From connection", base.HEX),
  to_conn = ProtoField.uint32("steamsim.to_conn", "To connection", base.HEX),
  packet_number = ProtoField.uint64("steamsim.packet_number", "Packet number"),
  checksum = ProtoField.uint32("steamsim.checksum", "Checksum (CRC-32C)", base.HEX),
  checksum_status = ProtoField.string("steamsim.checksum.status", "Checksum status"),
  frame = ProtoField.bytes("steamsim.frame", "Frame"),
  frame_type = ProtoField.uint8("steamsim.frame.type", "Frame type", base.DEC, frame_types),
  ack_largest = ProtoField.uint64("steamsim.ack.largest", "Largest acknowledged"),
  ack_delay = ProtoField.uint64("steamsim.ack.delay_us", "Ack delay (µs)"),
  ack_range_count = ProtoField.uint32("steamsim.ack.range_count", "Ranges"),
  ack_range = ProtoField.string("steamsim.ack.range", "Acknowledged packets"),
  rel_offset = ProtoField.uint64("steamsim.reliable.offset", "Stream offset"),
  rel_length = ProtoField.uint32("steamsim.reliable.length", "Segment length"),
  msg_number = ProtoField.uint64("steamsim.msg.number", "Message number"),
  msg_channel = ProtoField.int32("steamsim.msg.channel", "Channel"),
  msg_size = ProtoField.uint32("steamsim.msg.size", "Message size"),
  msg_reliable = ProtoField.bool("steamsim.msg.reliable", "Reliable"),
  msg_offset = ProtoField.uint64("steamsim.msg.stream_offset", "Message starts at stream offset"),
  frag_offset = ProtoField.uint32("steamsim.unreliable.fragment_offset", "Fragment offset"),
  frag_length = ProtoField.uint32("steamsim.unreliable.length", "Fragment length"),
  quality = ProtoField.float("steamsim.stats.quality", "Connection quality"),
  close_reason = ProtoField.int32("steamsim.close.reason", "End reason"),
  close_debug = ProtoField.string("steamsim.close.debug", "Debug text"),
}
steamsim.fields = {
  f.magic, f.version, f.type, f.flags, f.ack_now, f.from, f.to, f.from_conn, f.to_conn,
  f.packet_number, f.checksum, f.checksum_status, f.frame, f.frame_type, f.ack_largest,
  f.ack_delay, f.ack_range_count, f.ack_range, f.rel_offset, f.rel_length, f.msg_number,
  f.msg_channel, f.msg_size, f.msg_reliable, f.msg_offset, f.frag_offset, f.frag_length,
  f.quality, f.close_reason, f.close_debug,
}

local ef_bad_checksum = ProtoExpert.new("steamsim.checksum.bad", "Bad checksum (corrupted datagram)",
  expert.group.CHECKSUM, expert.severity.ERROR)
local ef_malformed = ProtoExpert.new("steamsim.malformed", "Malformed frame",
  expert.group.MALFORMED, expert.severity.ERROR)
steamsim.experts = { ef_bad_checksum, ef_malformed }

local HEADER = 44

-- CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
local crc_table = {}
for i = 0, 255 do
  local crc = i
  for _ = 1, 8 do
    if bitops.band(crc, 1) ~= 0 then
      crc = bitops.bxor(bitops.rshift(crc, 1), 0x82F63B78)
    else
      crc = bitops.rshift(crc, 1)
    end
  end
  crc_table[i] = crc
end

local function crc32c(bytes, skip_from, skip_to)
  local crc = 0xFFFFFFFF
  for i = 0, bytes:len() - 1 do
    local b = bytes:get_index(i)
    if i >= skip_from and i < skip_to then b = 0 end
    crc = bitops.bxor(bitops.rshift(crc, 8), crc_table[bitops.band(bitops.bxor(crc, b), 0xFF)])
  end
  return bitops.bxor(crc, 0xFFFFFFFF)
end

-- A LEB128 varint at `offset` of `tvb`, up to `limit`. Returns value (a Lua number; exact
-- below 2^53) and its length, or nil when truncated or malformed.
local function varint(tvb, offset, limit)
  local value = 0
  local scale = 1
  for i = 0, 9 do
    if offset + i >= limit then return nil end
    local byte = tvb(offset + i, 1):uint()
    value = value + (byte % 128) * scale
    scale = scale * 128
    if byte < 128 then return value, i + 1 end
  end
  return nil
end

-- The same for a ByteArray.
local function varint_bytes(bytes, offset)
  local value = 0
  local scale = 1
  for i = 0, 9 do
    if offset + i >= bytes:len() then return nil end
    local byte = bytes:get_index(offset + i)
    value = value + (byte % 128) * scale
    scale = scale * 128
    if byte < 128 then return value, i + 1 end
  end
  return nil
end

local function unzigzag(v)
  if v % 2 == 0 then return v / 2 end
  return -(v + 1) / 2
end

-- Reliable streams: per direction and connection, where messages start, so a segment's
-- messages can be named even when a message spans segments. Filled on the first pass; the
-- messages found in each frame are kept for later passes.
local streams = {}
local frame_messages = {}

local function stream_state(key)
  local s = streams[key]
  if s == nil then
    s = { frontier = 0, tail = nil, tail_at = 0, known = {} }
    streams[key] = s
  end
  return s
end

-- Parses message headers from `bytes` (a ByteArray holding stream bytes from `base`) at the
-- stream's frontier. Returns the messages found: {offset, number, channel, size}.
local function scan_stream(s, bytes, base)
  local found = {}
  local limit = base + bytes:len()
  while s.frontier >= base and s.frontier < limit do
    local at = s.frontier - base
    local number, n1 = varint_bytes(bytes, at)
    if number == nil then break end
    local channel, n2 = varint_bytes(bytes, at + n1)
    if channel == nil then break end
    local size, n3 = varint_bytes(bytes, at + n1 + n2)
    if size == nil then break end
    local message = { offset = s.frontier, number = number, channel = unzigzag(channel), size = size,
      header = n1 + n2 + n3 }
    s.known[#s.known + 1] = message
    found[#found + 1] = message
    s.frontier = s.frontier + n1 + n2 + n3 + size
  end
  return found
end

local function reliable_messages(pinfo, key, offset, data)
  local s = stream_state(key)
  local length = data:len()
  -- Message headers cut by a segment end: keep the tail, join it to the next segment.
  if s.tail ~= nil and s.tail_at + s.tail:len() == offset then
    local joined = ByteArray.new()
    joined:append(s.tail)
    joined:append(data)
    scan_stream(s, joined, s.tail_at)
    s.tail = nil
  end
  scan_stream(s, data, offset)
  if s.frontier >= offset and s.frontier < offset + length then
    s.tail = data:subset(s.frontier - offset, offset + length - s.frontier)
    s.tail_at = s.frontier
  end
  local list = {}
  for _, m in ipairs(s.known) do
    if m.offset + m.header + m.size > offset and m.offset < offset + length then
      list[#list + 1] = m
    end
  end
  return list
end

local function add_message(tree, range, m, reliable)
  local item = tree:add(range, string.format("Message #%d, channel %d, %d bytes%s", m.number, m.channel, m.size,
    reliable and (" (stream offset " .. string.format("%d", m.offset) .. ")") or ""))
  item:add(f.msg_number, range, UInt64(m.number))
  item:add(f.msg_channel, range, m.channel)
  item:add(f.msg_size, range, m.size)
  item:add(f.msg_reliable, range, reliable)
  if reliable then item:add(f.msg_offset, range, UInt64(m.offset)) end
end

local function dissect_frames(tvb, pinfo, tree, header)
  local offset = HEADER
  local limit = tvb:len()
  local summary = {}
  local stream_key = tostring(header.from) .. ">" .. tostring(header.to) .. "#" .. header.from_conn
  local first_pass = not pinfo.visited
  local messages_here = first_pass and {} or (frame_messages[pinfo.number] or {})
  local message_index = 0
  while offset < limit do
    local start = offset
    local ftype = tvb(offset, 1):uint()
    local name = frame_types[ftype]
    local sub = tree:add(f.frame, tvb(offset, 1))
    sub:add(f.frame_type, tvb(offset, 1))
    if name == nil then
      sub:add_proto_expert_info(ef_malformed, "unknown frame type " .. ftype)
      return summary
    end
    offset = offset + 1
    local ok = true
    local function v()
      local value, n = varint(tvb, offset, limit)
      if value == nil then ok = false; return 0 end
      offset = offset + n
      return value
    end
    if ftype == 1 then
      local largest = v()
      local delay = v()
      local count = v()
      if ok then
        sub:add(f.ack_largest, tvb(start + 1, offset - start - 1), UInt64(largest))
        sub:add(f.ack_delay, tvb(start + 1, offset - start - 1), UInt64(delay))
        sub:add(f.ack_range_count, tvb(start + 1, offset - start - 1), count)
        local hi = largest
        local lo = 0
        local ranges = {}
        for i = 1, count do
          local range_start = offset
          if i > 1 then
            local gap = v()
            hi = lo - gap - 2
          end
          local len = v()
          if not ok then break end
          lo = hi - len
          local text = lo == hi and string.format("%d", hi) or string.format("%d-%d", lo, hi)
          sub:add(f.ack_range, tvb(range_start, offset - range_start), text)
          ranges[#ranges + 1] = text
        end
        summary[#summary + 1] = "Ack " .. table.concat(ranges, ",")
      end
    elseif ftype == 2 then
      local stream_offset = v()
      local length = v()
      if ok and offset + length <= limit then
        sub:add(f.rel_offset, tvb(start + 1, offset - start - 1), UInt64(stream_offset))
        sub:add(f.rel_length, tvb(start + 1, offset - start - 1), length)
        local data = tvb(offset, length)
        local list
        if first_pass then
          list = reliable_messages(pinfo, stream_key, stream_offset, data:bytes())
          for _, m in ipairs(list) do messages_here[#messages_here + 1] = { m = m, reliable = true } end
        else
          list = {}
          for _, entry in ipairs(messages_here) do
            if entry.reliable then list[#list + 1] = entry.m end
          end
        end
        local numbers = {}
        for _, m in ipairs(list) do
          local from = math.max(m.offset - stream_offset, 0)
          local to = math.min(m.offset + m.header + m.size - stream_offset, length)
          if to > from then
            add_message(sub, tvb(offset + from, to - from), m, true)
            numbers[#numbers + 1] = string.format("#%d", m.number)
          end
        end
        offset = offset + length
        summary[#summary + 1] = string.format("Rel %d+%d", stream_offset, length) ..
          (#numbers > 0 and (" " .. table.concat(numbers, ",")) or "")
      else
        ok = false
      end
    elseif ftype == 3 or ftype == 4 then
      local number = v()
      local channel = unzigzag(v())
      local size, frag_offset = nil, 0
      if ftype == 4 then
        size = v()
        frag_offset = v()
      end
      local length = v()
      if ok and offset + length <= limit then
        size = size or length
        local m = { number = number, channel = channel, size = size, offset = 0 }
        add_message(sub, tvb(start, offset + length - start), m, false)
        if ftype == 4 then
          sub:add(f.frag_offset, tvb(start + 1, offset - start - 1), frag_offset)
          sub:add(f.frag_length, tvb(start + 1, offset - start - 1), length)
        end
        offset = offset + length
        summary[#summary + 1] = string.format("Unrel #%d ch%d", number, channel)
      else
        ok = false
      end
    elseif ftype == 5 then
      if offset + 2 <= limit then
        local raw = tvb(offset, 2):le_uint()
        local quality = raw == 0xFFFF and -1 or raw / 10000
        sub:add(f.quality, tvb(offset, 2), quality)
        offset = offset + 2
      else
        ok = false
      end
    elseif ftype == 6 then
      local reason = unzigzag(v())
      local length = v()
      if ok and offset + length <= limit then
        sub:add(f.close_reason, tvb(start + 1, offset - start - 1), reason)
        sub:add(f.close_debug, tvb(offset, length), length > 0 and tvb(offset, length):string() or "")
        offset = offset + length
        summary[#summary + 1] = "Close " .. reason
      else
        ok = false
      end
    end
    sub:set_len(offset - start)
    sub:set_text(name)
    if not ok then
      sub:add_proto_expert_info(ef_malformed, name .. " frame runs past the end or is malformed")
      return summary
    end
  end
  if first_pass then frame_messages[pinfo.number] = messages_here end
  return summary
end

local function dissect(tvb, pinfo, tree)
  if tvb:len() < HEADER then return 0 end
  if tvb(0, 4):le_uint() ~= 0x4D495353 or tvb(4, 1):uint() ~= 1 then return 0 end
  local ptype = tvb(5, 1):uint()
  if packet_types[ptype] == nil then return 0 end
  pinfo.cols.protocol = "steamsim"
  local root = tree:add(steamsim, tvb(), "steamsim " .. packet_types[ptype])
  root:add_le(f.magic, tvb(0, 4))
  root:add(f.version, tvb(4, 1))
  root:add(f.type, tvb(5, 1))
  local flags = root:add_le(f.flags, tvb(6, 2))
  flags:add_le(f.ack_now, tvb(6, 2))
  root:add_le(f.from, tvb(8, 8))
  root:add_le(f.to, tvb(16, 8))
  root:add_le(f.from_conn, tvb(24, 4))
  root:add_le(f.to_conn, tvb(28, 4))
  root:add_le(f.packet_number, tvb(32, 8))
  root:add_le(f.checksum, tvb(40, 4))
  local stated = tvb(40, 4):le_uint()
  local computed = crc32c(tvb:bytes(), 40, 44)
  if stated == computed then
    root:add(f.checksum_status, tvb(40, 4), "good")
  else
    local item = root:add(f.checksum_status, tvb(40, 4), "bad")
    item:add_proto_expert_info(ef_bad_checksum, string.format("checksum 0x%08x, computed 0x%08x", stated, computed))
  end
  local header = {
    from = tvb(8, 8):le_uint64(), to = tvb(16, 8):le_uint64(),
    from_conn = tvb(24, 4):le_uint(), to_conn = tvb(28, 4):le_uint(),
  }
  local summary = dissect_frames(tvb, pinfo, root, header)
  local info = string.format("%s %s → %s", packet_types[ptype], tostring(header.from), tostring(header.to))
  if ptype == 3 then info = info .. " pkt=" .. tostring(tvb(32, 8):le_uint64()) end
  if bitops.band(tvb(6, 2):le_uint(), 1) ~= 0 then info = info .. " [ack now]" end
  if #summary > 0 then info = info .. "  " .. table.concat(summary, "; ") end
  if stated ~= computed then info = info .. "  [BAD CHECKSUM]" end
  pinfo.cols.info = info
  return tvb:len()
end

function steamsim.dissector(tvb, pinfo, tree)
  return dissect(tvb, pinfo, tree)
end

function steamsim.init()
  streams = {}
  frame_messages = {}
end

local function heuristic(tvb, pinfo, tree)
  if dissect(tvb, pinfo, tree) == 0 then return false end
  return true
end

steamsim:register_heuristic("udp", heuristic)
