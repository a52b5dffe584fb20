extension Multiaddr {
    /// One `/<protocol>/<value>` part of a multiaddr: a protocol and its binary value (validated).
    public struct Component: Hashable, Sendable, CustomStringConvertible {
        /// The protocol.
        public let proto: MultiaddrProtocol
        /// The binary value, without a length prefix (empty for protocols without a value).
        public let value: [UInt8]

        // MARK: - Creating

        /// Creates a component from a binary value.
        /// - Parameters:
        ///   - proto: the protocol.
        ///   - value: the binary value (empty for protocols without one).
        /// - Throws: ``MultiformatsError`` when the value is not valid for the protocol.
        public init(_ proto: MultiaddrProtocol, value: [UInt8] = []) throws(MultiformatsError) {
            try MultiaddrValueCodec.validate(proto, value)
            self.proto = proto
            self.value = value
        }

        /// Creates a component from the text of its value (`Component(.tcp, text: "443")`; for `unix`, the path
        /// with its leading `/`).
        /// - Throws: ``MultiformatsError`` when the text is not a valid value for the protocol.
        public init(_ proto: MultiaddrProtocol, text: String) throws(MultiformatsError) {
            guard proto.hasValue else {
                throw MultiformatsError(.invalidValue, "\(proto.name) takes no value")
            }
            self.proto = proto
            self.value = try MultiaddrValueCodec.parse(proto, Array(text.utf8)[...])
        }

        /// Wraps a value that was already validated.
        init(unchecked proto: MultiaddrProtocol, value: [UInt8]) {
            self.proto = proto
            self.value = value
        }

        /// An `/ip4/…` component.
        public static func ip4(_ address: IPv4Address) -> Component {
            Component(unchecked: .ip4, value: address.bytes)
        }

        /// An `/ip6/…` component.
        public static func ip6(_ address: IPv6Address) -> Component {
            Component(unchecked: .ip6, value: address.bytes)
        }

        /// A `/tcp/<port>` component.
        public static func tcp(_ port: UInt16) -> Component {
            Component(unchecked: .tcp, value: [UInt8(port >> 8), UInt8(port & 0xff)])
        }

        /// A `/udp/<port>` component.
        public static func udp(_ port: UInt16) -> Component {
            Component(unchecked: .udp, value: [UInt8(port >> 8), UInt8(port & 0xff)])
        }

        /// A `/p2p/<peer ID>` component from the binary peer ID (an identity or sha2-256 multihash).
        /// - Throws: ``MultiformatsError`` when the bytes are not such a multihash.
        public static func p2p(_ peerIDBytes: [UInt8]) throws(MultiformatsError) -> Component {
            try Component(.p2p, value: peerIDBytes)
        }

        // MARK: - Reading

        /// The protocol name (`tcp`).
        public var name: String { proto.name }
        /// The protocol code (6 for tcp).
        public var code: UInt64 { proto.code }

        /// The text of the value (`443`, `127.0.0.1`, the base58btc peer ID…), nil when the protocol has none.
        public var valueText: String? { MultiaddrValueCodec.text(proto, value) }

        /// The binary form: `uvarint(code)`, then for variable-size protocols `uvarint(length)`, then the value.
        public var bytes: [UInt8] {
            var out: [UInt8] = []
            append(to: &out)
            return out
        }

        func append(to buffer: inout [UInt8]) {
            UVarint.encode(proto.code, into: &buffer)
            if proto.size == .variable {
                UVarint.encode(UInt64(value.count), into: &buffer)
            }
            buffer.append(contentsOf: value)
        }

        /// The text form: `/tcp/443`, `/quic-v1`, `/unix/run/sock`.
        public var description: String {
            guard let valueText else { return "/" + proto.name }
            if proto.isPath { return "/" + proto.name + valueText }
            return "/" + proto.name + "/" + valueText
        }
    }
}
