#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One raw reading of the machine's counters.
public struct SystemSample: Sendable, Hashable {
    /// When it was taken: time since the sampler's origin.
    public var at: Duration
    /// CPU ticks, nil where `/proc/stat` is unavailable.
    public var cpu: ProcParsers.CPUTimes?
    /// Memory, nil where `/proc/meminfo` is unavailable.
    public var memory: ProcParsers.Memory?
    /// Used share of the file system holding the data directory, 0...100.
    public var diskPercent: Double?
    /// Network byte counters, nil where `/proc/net/dev` is unavailable.
    public var network: ProcParsers.NetworkBytes?

    /// Creates a sample (tests build them from sample `/proc` text).
    public init(
        at: Duration,
        cpu: ProcParsers.CPUTimes?,
        memory: ProcParsers.Memory?,
        diskPercent: Double?,
        network: ProcParsers.NetworkBytes?
    ) {
        self.at = at
        self.cpu = cpu
        self.memory = memory
        self.diskPercent = diskPercent
        self.network = network
    }
}

/// Rates and shares computed from two samples.
public struct SystemUsage: Sendable, Hashable, Codable {
    /// CPU busy share, 0...100.
    public var cpuPercent: Double
    /// Memory used, 0...100.
    public var memoryPercent: Double
    /// Disk used, 0...100.
    public var diskPercent: Double
    /// Bytes received per second / 1,024.
    public var networkInKBps: Double
    /// Bytes sent per second / 1,024.
    public var networkOutKBps: Double

    /// Creates usage figures.
    public init(
        cpuPercent: Double,
        memoryPercent: Double,
        diskPercent: Double,
        networkInKBps: Double,
        networkOutKBps: Double
    ) {
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
        self.diskPercent = diskPercent
        self.networkInKBps = networkInKBps
        self.networkOutKBps = networkOutKBps
    }

    /// Usage between `earlier` and `later` (CPU and network are deltas; memory and disk are `later`'s values).
    /// Missing readings count as zero.
    public static func between(_ earlier: SystemSample, _ later: SystemSample) -> SystemUsage {
        var usage = SystemUsage(
            cpuPercent: 0,
            memoryPercent: later.memory?.usedPercent ?? 0,
            diskPercent: later.diskPercent ?? 0,
            networkInKBps: 0,
            networkOutKBps: 0
        )
        if let a = earlier.cpu, let b = later.cpu { usage.cpuPercent = b.busyPercent(since: a) ?? 0 }
        let seconds =
            Double((later.at - earlier.at).components.seconds)
            + Double((later.at - earlier.at).components.attoseconds) / 1e18
        if seconds > 0, let a = earlier.network, let b = later.network {
            usage.networkInKBps = Double(b.received >= a.received ? b.received - a.received : 0) / seconds / 1024
            usage.networkOutKBps = Double(b.sent >= a.sent ? b.sent - a.sent : 0) / seconds / 1024
        }
        return usage
    }
}

/// Reads `/proc/stat`, `/proc/meminfo`, `/proc/net/dev` and `statvfs` of a directory.
public struct SystemSampler: Sendable {
    /// The directory whose file system's fullness is reported.
    public var diskPath: String
    /// Where the `/proc` files are read from (tests point it at sample files).
    public var procRoot: String
    private let origin = ContinuousClock.now

    /// Creates a sampler.
    /// - Parameters:
    ///   - diskPath: the directory whose file system is measured.
    ///   - procRoot: the `/proc` mount point.
    public init(diskPath: String = "/", procRoot: String = "/proc") {
        self.diskPath = diskPath
        self.procRoot = procRoot
    }

    /// Takes one reading.
    public func sample() -> SystemSample {
        SystemSample(
            at: ContinuousClock.now - origin,
            cpu: Self.readText(procRoot + "/stat").flatMap(ProcParsers.cpuTimes(procStat:)),
            memory: Self.readText(procRoot + "/meminfo").flatMap(ProcParsers.memory(procMeminfo:)),
            diskPercent: Self.diskUsedPercent(diskPath),
            network: Self.readText(procRoot + "/net/dev").flatMap(ProcParsers.networkBytes(procNetDev:))
        )
    }

    /// The used share of the file system holding `path`, from `statvfs`.
    public static func diskUsedPercent(_ path: String) -> Double? {
        var info = statvfs()
        guard statvfs(path, &info) == 0, info.f_blocks > 0 else { return nil }
        let total = Double(info.f_blocks)
        let free = Double(info.f_bfree)
        return min(100, max(0, (total - free) / total * 100))
    }

    /// Reads a small text file (at most 256 KiB; `/proc` files report size 0, so read to EOF).
    static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while bytes.count < 256 * 1024 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
