// MARK: - ReplayWindow

extension SWIM {
    /// A sliding window over a sender's packet sequence numbers (IPsec style): accepts each number once,
    /// rejects numbers more than ``size`` behind the highest seen.
    public struct ReplayWindow: Sendable, Hashable {
        /// How many sequence numbers behind the highest are still accepted.
        public static let size: UInt64 = 64

        /// The highest sequence number accepted.
        public private(set) var highest: UInt64 = 0
        private var bitmap: UInt64 = 0

        /// An empty window.
        public init() {}

        /// Whether `sequence` is new; records it when it is.
        public mutating func accept(_ sequence: UInt64) -> Bool {
            guard sequence > 0 else { return false }
            if sequence > highest {
                let shift = sequence - highest
                bitmap = shift >= Self.size ? 0 : bitmap << shift
                bitmap |= 1
                highest = sequence
                return true
            }
            let offset = highest - sequence
            guard offset < Self.size else { return false }
            let bit: UInt64 = 1 << offset
            guard bitmap & bit == 0 else { return false }
            bitmap |= bit
            return true
        }
    }
}
