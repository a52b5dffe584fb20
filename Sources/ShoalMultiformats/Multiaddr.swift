/// A multiaddr: a self-describing network address made of protocol components.
///
/// Text form `/ip4/127.0.0.1/udp/4001/quic-v1`, binary form `(uvarint(code) || value)+`. A multiaddr always has at
/// least one component. Equality and hashing use the binary form, so `/ipfs/Qm…` equals `/p2p/Qm…` and a trailing
/// slash makes no difference.
///
/// ```swift
/// let address = try Multiaddr("/ip4/1.2.3.4/udp/4001/quic-v1")
/// address.bytes          // 04 01020304 9102 0fa1 cd03
/// address.udpPort        // 4001
/// ```
public struct Multiaddr: Hashable, Sendable, CustomStringConvertible {
    // MARK: - Limits

    /// The largest binary form accepted, in bytes.
    public static let maximumByteCount = 2048
    /// The longest text form accepted, in UTF-8 bytes.
    public static let maximumTextLength = 8192
    /// The most components accepted.
    public static let maximumComponentCount = 64

    // MARK: - Storage

    /// The binary form.
    public let bytes: [UInt8]
    /// The components, in order (never empty).
    public let components: [Component]

    // MARK: - Creating

    /// Parses the text form.
    ///
    /// Trailing slashes are ignored (`/ip4/1.2.3.4/` is `/ip4/1.2.3.4`); `/ipfs/` is read as `/p2p/`; a `unix`
    /// path takes the rest of the text.
    /// - Throws: ``MultiformatsError`` naming the problem and the 1-based component, e.g.
    ///   `unknown protocol 'tcpx' at component 3` or `invalid port '99999' for tcp at component 2`.
    public init(_ text: String) throws(MultiformatsError) {
        var utf8 = Array(text.utf8)
        guard utf8.count <= Multiaddr.maximumTextLength else {
            throw MultiformatsError(
                .limitExceeded,
                "multiaddr text of \(utf8.count) bytes is above the maximum of \(Multiaddr.maximumTextLength)"
            )
        }
        let slash = UInt8(ascii: "/")
        while utf8.last == slash { utf8.removeLast() }
        guard !utf8.isEmpty else {
            throw MultiformatsError(.malformed, "empty multiaddr")
        }
        guard utf8[0] == slash else {
            throw MultiformatsError(.malformed, "multiaddr must begin with '/'")
        }
        let parts = utf8[1...].split(separator: slash, omittingEmptySubsequences: false)
        var components: [Component] = []
        var index = 0
        while index < parts.count {
            let number = components.count + 1
            guard number <= Multiaddr.maximumComponentCount else {
                throw MultiformatsError(
                    .limitExceeded,
                    "more than \(Multiaddr.maximumComponentCount) components"
                )
            }
            let name = parts[index]
            index += 1
            guard let proto = MultiaddrProtocol(name: String(decoding: name, as: UTF8.self)) else {
                if name.isEmpty {
                    throw MultiformatsError(.malformed, "empty protocol name at component \(number)")
                }
                throw MultiformatsError(
                    .unknownCode,
                    "unknown protocol \(quoted(String(decoding: name, as: UTF8.self))) at component \(number)"
                )
            }
            guard proto.hasValue else {
                components.append(Component(unchecked: proto, value: []))
                continue
            }
            guard index < parts.count else {
                throw MultiformatsError(.truncated, "missing value for \(proto.name) at component \(number)")
            }
            let valueText: ArraySlice<UInt8>
            if proto.isPath {
                valueText = ArraySlice([slash] + Array(parts[index...].joined(separator: [slash])))
                index = parts.count
            } else {
                valueText = parts[index]
                index += 1
            }
            do {
                let value = try MultiaddrValueCodec.parse(proto, valueText)
                components.append(Component(unchecked: proto, value: value))
            } catch {
                throw MultiformatsError(error.code, "\(error.message) at component \(number)")
            }
        }
        try self.init(validated: components)
    }

    /// Decodes the binary form.
    /// - Throws: ``MultiformatsError`` naming the problem and the 1-based component, e.g.
    ///   `unknown protocol code 999 at component 2`; empty input and trailing garbage are errors.
    public init(bytes: some Collection<UInt8>) throws(MultiformatsError) {
        let input = Array(bytes)
        guard !input.isEmpty else {
            throw MultiformatsError(.malformed, "empty multiaddr")
        }
        guard input.count <= Multiaddr.maximumByteCount else {
            throw MultiformatsError(
                .limitExceeded,
                "multiaddr of \(input.count) bytes is above the maximum of \(Multiaddr.maximumByteCount)"
            )
        }
        var components: [Component] = []
        var offset = 0
        while offset < input.count {
            let number = components.count + 1
            guard number <= Multiaddr.maximumComponentCount else {
                throw MultiformatsError(.limitExceeded, "more than \(Multiaddr.maximumComponentCount) components")
            }
            if let last = components.last, last.proto.isPath {
                throw MultiformatsError(
                    .malformed,
                    "component \(number) follows the \(last.proto.name) path, which must be last"
                )
            }
            let (component, used) = try Multiaddr.readComponent(input[offset...], number: number)
            components.append(component)
            offset += used
        }
        self.bytes = input
        self.components = components
    }

    /// Builds a multiaddr from components.
    /// - Throws: ``MultiformatsError`` when the list is empty, too long, or a path component (`unix`) is not last.
    public init(components: [Component]) throws(MultiformatsError) {
        guard !components.isEmpty else {
            throw MultiformatsError(.malformed, "empty multiaddr")
        }
        guard components.count <= Multiaddr.maximumComponentCount else {
            throw MultiformatsError(.limitExceeded, "more than \(Multiaddr.maximumComponentCount) components")
        }
        try self.init(validated: components)
    }

    /// Checks the path rule and the size limit, then encodes.
    private init(validated components: [Component]) throws(MultiformatsError) {
        for (index, component) in components.enumerated().dropLast() where component.proto.isPath {
            throw MultiformatsError(
                .malformed,
                "component \(index + 2) follows the \(component.proto.name) path, which must be last"
            )
        }
        var bytes: [UInt8] = []
        for component in components {
            component.append(to: &bytes)
        }
        guard bytes.count <= Multiaddr.maximumByteCount else {
            throw MultiformatsError(
                .limitExceeded,
                "multiaddr of \(bytes.count) bytes is above the maximum of \(Multiaddr.maximumByteCount)"
            )
        }
        self.bytes = bytes
        self.components = components
    }

    /// Wraps bytes and components known to match.
    init(storage bytes: [UInt8], components: [Component]) {
        self.bytes = bytes
        self.components = components
    }

    /// Reads one component from the start of `input`.
    private static func readComponent(
        _ input: ArraySlice<UInt8>,
        number: Int
    ) throws(MultiformatsError) -> (Component, Int) {
        func fail(_ code: MultiformatsError.Code, _ message: String) -> MultiformatsError {
            MultiformatsError(code, "\(message) at component \(number)")
        }
        let code: UInt64
        let codeLength: Int
        do {
            (code, codeLength) = try UVarint.decodeComplete(input)
        } catch {
            throw fail(error.code, "bad protocol code (\(error.message))")
        }
        guard let proto = MultiaddrProtocol(code: code) else {
            throw fail(.unknownCode, "unknown protocol code \(code)")
        }
        var offset = input.startIndex + codeLength
        let length: Int
        switch proto.size {
        case .none:
            length = 0
        case .fixed(let count):
            length = count
        case .variable:
            let declared: UInt64
            do {
                let (value, used) = try UVarint.decodeComplete(input[offset...])
                declared = value
                offset += used
            } catch {
                throw fail(error.code, "bad \(proto.name) value length (\(error.message))")
            }
            guard declared <= UInt64(input.endIndex - offset) else {
                throw fail(
                    .truncated,
                    "\(proto.name) value of \(declared) bytes is truncated (\(input.endIndex - offset) left)"
                )
            }
            length = Int(declared)
        }
        guard input.endIndex - offset >= length else {
            throw fail(
                .truncated,
                "\(proto.name) value needs \(length) bytes, \(input.endIndex - offset) left"
            )
        }
        let value = Array(input[offset..<(offset + length)])
        do {
            try MultiaddrValueCodec.validate(proto, value)
        } catch {
            throw fail(error.code, error.message)
        }
        return (Component(unchecked: proto, value: value), offset + length - input.startIndex)
    }

    // MARK: - Text

    /// The text form (`/p2p/` for peer IDs, RFC 5952 IPv6, base64url certhash).
    public var description: String {
        components.map(\.description).joined()
    }

    /// The protocols of the components, in order.
    public var protocols: [MultiaddrProtocol] { components.map(\.proto) }

    // MARK: - Equality

    public static func == (lhs: Multiaddr, rhs: Multiaddr) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}
