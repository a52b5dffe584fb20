public import ShoalMultiformats

/// One network interface as the machine sees it.
public struct MDNSInterface: Hashable, Sendable {
    /// The interface name (`eth0`).
    public var name: String
    /// The kernel interface index.
    public var index: Int
    /// Its IP addresses.
    public var addresses: [IPAddress]

    /// An interface.
    public init(name: String, index: Int, addresses: [IPAddress]) {
        self.name = name
        self.index = index
        self.addresses = addresses
    }
}
