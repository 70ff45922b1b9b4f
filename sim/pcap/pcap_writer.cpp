// SPDX-License-Identifier: MIT
// Writing captured datagrams with libpcap, behind synthetic IP and UDP headers.

#include <pcap/pcap.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include "steamsim/pcap.hpp"

namespace steamsim {

namespace {

constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kUdpHeader = 8;
constexpr std::size_t kMaxPayload = 65535 - kIpv6Header - kUdpHeader;
constexpr std::uint8_t kProtocolUdp = 17;

void put16(std::uint8_t* at, std::uint32_t value) {
  at[0] = static_cast<std::uint8_t>((value >> 8U) & 0xFFU);
  at[1] = static_cast<std::uint8_t>(value & 0xFFU);
}

/// One's-complement sum of 16-bit big-endian words (odd length padded with zero).
std::uint32_t sum16(const std::uint8_t* data, std::size_t size, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < size; i += 2)
    sum += (static_cast<std::uint32_t>(data[i]) << 8U) | data[i + 1];
  if (size % 2 == 1) sum += static_cast<std::uint32_t>(data[size - 1]) << 8U;
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while ((sum >> 16U) != 0) sum = (sum & 0xFFFFU) + (sum >> 16U);
  return static_cast<std::uint16_t>(~sum & 0xFFFFU);
}

}  // namespace

struct PcapWriter::Impl {
  pcap_t* handle = nullptr;
  pcap_dumper_t* dumper = nullptr;
  std::array<std::uint8_t, kIpv6Header + kUdpHeader + kMaxPayload> frame{};
  std::uint16_t ip_id = 0;
};

PcapWriter::PcapWriter(const std::string& path, PcapOptions options)
    : impl_(std::make_unique<Impl>()), options_(options) {
  impl_->handle = pcap_open_dead(DLT_RAW, 65535);
  if (impl_->handle == nullptr) throw std::runtime_error("pcap: cannot create a capture handle");
  impl_->dumper = pcap_dump_open(impl_->handle, path.c_str());
  if (impl_->dumper == nullptr) {
    const std::string why = pcap_geterr(impl_->handle);
    pcap_close(impl_->handle);
    throw std::runtime_error("cannot write the capture file " + path + ": " + why);
  }
}

PcapWriter::~PcapWriter() {
  if (impl_->dumper != nullptr) pcap_dump_close(impl_->dumper);
  if (impl_->handle != nullptr) pcap_close(impl_->handle);
}

bool PcapWriter::flush() {
  return pcap_dump_flush(impl_->dumper) == 0;
}

void PcapWriter::datagram(const CapturedDatagram& d) {
  const std::size_t payload = std::min(d.bytes.size(), kMaxPayload);
  const bool v6 = d.source.v6 || d.destination.v6;
  const std::size_t ip_size = v6 ? kIpv6Header : kIpv4Header;
  const std::size_t udp_length = kUdpHeader + payload;
  std::uint8_t* ip = impl_->frame.data();
  std::uint8_t* udp = ip + ip_size;
  std::memcpy(udp + kUdpHeader, d.bytes.data(), payload);

  // Pseudo-header sum for the UDP checksum.
  std::uint32_t pseudo = 0;
  if (v6) {
    std::memset(ip, 0, kIpv6Header);
    ip[0] = 0x60;
    put16(ip + 4, static_cast<std::uint32_t>(udp_length));
    ip[6] = kProtocolUdp;
    ip[7] = 64;  // hop limit
    const auto mapped = [](const CaptureEndpoint& e, std::uint8_t* out) {
      if (e.v6) {
        std::memcpy(out, e.ip.data(), 16);
      } else {  // an IPv4 end on a dual-stack socket: ::ffff:a.b.c.d
        std::memset(out, 0, 16);
        out[10] = 0xFF;
        out[11] = 0xFF;
        std::memcpy(out + 12, e.ip.data(), 4);
      }
    };
    mapped(d.source, ip + 8);
    mapped(d.destination, ip + 24);
    pseudo = sum16(ip + 8, 32);
  } else {
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, static_cast<std::uint32_t>(kIpv4Header + udp_length));
    put16(ip + 4, impl_->ip_id++);
    put16(ip + 6, 0x4000);  // don't fragment
    ip[8] = 64;             // TTL
    ip[9] = kProtocolUdp;
    put16(ip + 10, 0);
    std::memcpy(ip + 12, d.source.ip.data(), 4);
    std::memcpy(ip + 16, d.destination.ip.data(), 4);
    put16(ip + 10, fold(sum16(ip, kIpv4Header)));
    pseudo = sum16(ip + 12, 8);
  }
  pseudo += kProtocolUdp + static_cast<std::uint32_t>(udp_length);
  put16(udp, d.source.port);
  put16(udp + 2, d.destination.port);
  put16(udp + 4, static_cast<std::uint32_t>(udp_length));
  put16(udp + 6, 0);
  std::uint16_t checksum = fold(sum16(udp, udp_length, pseudo));
  if (checksum == 0) checksum = 0xFFFF;  // 0 means "no checksum"
  put16(udp + 6, checksum);

  const std::int64_t t = std::max<std::int64_t>(d.time_us - options_.time_origin_us, 0);
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<decltype(header.ts.tv_sec)>(t / 1'000'000);
  header.ts.tv_usec = static_cast<decltype(header.ts.tv_usec)>(t % 1'000'000);
  header.caplen = static_cast<bpf_u_int32>(ip_size + udp_length);
  header.len = header.caplen;
  pcap_dump(reinterpret_cast<u_char*>(impl_->dumper), &header, impl_->frame.data());
  ++records_;
}

std::shared_ptr<PcapWriter> enablePcap(Network& network, const std::string& path,
                                       PcapOptions options) {
  auto writer = std::make_shared<PcapWriter>(path, options);
  network.setCapture(writer);
  return writer;
}

}  // namespace steamsim
