/// Parsers for the Linux `/proc` files the health sampler reads. Pure functions over text, tested on samples.
public enum ProcParsers {
    /// Cumulative CPU time from the aggregate `cpu` line of `/proc/stat`, in clock ticks.
    public struct CPUTimes: Sendable, Hashable {
        /// All ticks (user, nice, system, idle, iowait, irq, softirq, steal).
        public var total: UInt64
        /// Ticks spent idle or waiting for I/O.
        public var idle: UInt64

        /// The busy share between two readings, 0...100; nil when no time passed.
        public func busyPercent(since earlier: CPUTimes) -> Double? {
            guard total > earlier.total else { return nil }
            let totalDelta = Double(total - earlier.total)
            let idleDelta = Double(idle >= earlier.idle ? idle - earlier.idle : 0)
            return min(100, max(0, (totalDelta - idleDelta) / totalDelta * 100))
        }
    }

    /// Memory figures from `/proc/meminfo`, in KiB.
    public struct Memory: Sendable, Hashable {
        /// `MemTotal`.
        public var totalKiB: UInt64
        /// `MemAvailable` (or `MemFree + Buffers + Cached` on kernels without it).
        public var availableKiB: UInt64

        /// The used share, 0...100.
        public var usedPercent: Double {
            guard totalKiB > 0 else { return 0 }
            return Double(totalKiB - min(availableKiB, totalKiB)) / Double(totalKiB) * 100
        }
    }

    /// Cumulative network bytes from `/proc/net/dev`, summed over every interface except `lo`.
    public struct NetworkBytes: Sendable, Hashable {
        /// Bytes received.
        public var received: UInt64
        /// Bytes sent.
        public var sent: UInt64
    }

    /// Parses the first (aggregate) `cpu` line of `/proc/stat`.
    /// - Returns: nil when there is no well-formed `cpu` line.
    public static func cpuTimes(procStat text: String) -> CPUTimes? {
        for line in text.split(separator: "\n").prefix(64) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.first == "cpu" else { continue }
            let numbers = fields.dropFirst().prefix(8).compactMap { UInt64($0) }
            guard numbers.count >= 4 else { return nil }
            let idle = numbers[3] + (numbers.count > 4 ? numbers[4] : 0)
            let total = numbers.reduce(0, &+)
            return CPUTimes(total: total, idle: idle)
        }
        return nil
    }

    /// Parses `/proc/meminfo`.
    /// - Returns: nil when `MemTotal` is missing.
    public static func memory(procMeminfo text: String) -> Memory? {
        var fields: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n").prefix(256) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon]
            let value = line[line.index(after: colon)...].split(separator: " ").first.flatMap { UInt64($0) }
            if let value { fields[name] = value }
        }
        guard let total = fields["MemTotal"] else { return nil }
        let available =
            fields["MemAvailable"] ?? ((fields["MemFree"] ?? 0) + (fields["Buffers"] ?? 0) + (fields["Cached"] ?? 0))
        return Memory(totalKiB: total, availableKiB: available)
    }

    /// Parses `/proc/net/dev` (two header lines, then `iface: rx_bytes … tx_bytes …`).
    /// - Returns: nil when no interface line parses.
    public static func networkBytes(procNetDev text: String) -> NetworkBytes? {
        var result = NetworkBytes(received: 0, sent: 0)
        var found = false
        for line in text.split(separator: "\n").prefix(1024) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingPrefix(while: { $0 == " " })
            let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
            guard numbers.count >= 16 else { continue }
            found = true
            if name == "lo" { continue }
            result.received &+= numbers[0]
            result.sent &+= numbers[8]
        }
        return found ? result : nil
    }
}
