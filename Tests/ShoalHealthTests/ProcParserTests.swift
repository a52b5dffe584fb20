import ShoalHealth
import Testing

@Suite("/proc parsers")
struct ProcParserTests {
    static let stat1 = """
        cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0
        cpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0
        intr 199292 0 0
        """
    static let stat2 = """
        cpu  10132253 290696 3084819 46828783 16683 0 25195 0 0 0
        """

    @Test("CPU busy share from two /proc/stat readings")
    func cpu() throws {
        let a = try #require(ProcParsers.cpuTimes(procStat: Self.stat1))
        let b = try #require(ProcParsers.cpuTimes(procStat: Self.stat2))
        #expect(a.idle == 46828483 + 16683)
        #expect(b.total - a.total == 500)
        let busy = try #require(b.busyPercent(since: a))
        #expect(abs(busy - 40) < 1e-9)
        #expect(a.busyPercent(since: a) == nil)
        #expect(ProcParsers.cpuTimes(procStat: "intr 1 2 3\n") == nil)
        #expect(ProcParsers.cpuTimes(procStat: "cpu  x y z\n") == nil)
        #expect(ProcParsers.cpuTimes(procStat: "") == nil)
    }

    @Test("memory from /proc/meminfo, with and without MemAvailable")
    func memory() throws {
        let text = """
            MemTotal:       16000000 kB
            MemFree:         2000000 kB
            MemAvailable:    4000000 kB
            Buffers:          100000 kB
            Cached:          1000000 kB
            """
        let m = try #require(ProcParsers.memory(procMeminfo: text))
        #expect(m.totalKiB == 16_000_000)
        #expect(abs(m.usedPercent - 75) < 1e-9)
        let old = try #require(
            ProcParsers.memory(procMeminfo: "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 50 kB\n")
        )
        #expect(abs(old.usedPercent - 80) < 1e-9)
        #expect(ProcParsers.memory(procMeminfo: "MemFree: 1 kB\n") == nil)
    }

    @Test("network bytes from /proc/net/dev, loopback excluded; KB/s from two samples")
    func network() throws {
        let text1 = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 5000000   1000    0    0    0     0          0         0  5000000    1000    0    0    0     0       0          0
              eth0: 1000000   2000    0    0    0     0          0         0   200000    1500    0    0    0     0       0          0
            wlan0:  24000    20    0    0    0     0          0         0    1000    10    0    0    0     0       0          0
            """
        let a = try #require(ProcParsers.networkBytes(procNetDev: text1))
        #expect(a.received == 1_024_000)
        #expect(a.sent == 201_000)
        #expect(ProcParsers.networkBytes(procNetDev: "garbage\n") == nil)
        var b = a
        b.received += 2 * 1024 * 10
        b.sent += 1024 * 10
        let earlier = SystemSample(at: .seconds(5), cpu: nil, memory: nil, diskPercent: 10, network: a)
        let later = SystemSample(at: .seconds(15), cpu: nil, memory: nil, diskPercent: 12, network: b)
        let usage = SystemUsage.between(earlier, later)
        #expect(abs(usage.networkInKBps - 2) < 1e-9)
        #expect(abs(usage.networkOutKBps - 1) < 1e-9)
        #expect(usage.diskPercent == 12)
        // Counters that went backwards (an interface reset) give zero, not a huge rate.
        let reset = SystemUsage.between(later, SystemSample(at: .seconds(20), network: a))
        #expect(reset.networkInKBps == 0)
    }

    @Test("the sampler reads this machine (Linux) with sane ranges")
    func liveSample() throws {
        let sampler = SystemSampler()
        let first = sampler.sample()
        #expect(first.cpu != nil)
        #expect(first.memory != nil)
        #expect(first.network != nil)
        let disk = try #require(first.diskPercent)
        #expect(disk >= 0 && disk <= 100)
        let usage = SystemUsage.between(first, sampler.sample())
        #expect(usage.cpuPercent >= 0 && usage.cpuPercent <= 100)
        #expect(usage.memoryPercent > 0 && usage.memoryPercent <= 100)
    }

    @Test("status thresholds: 85 % degraded, 95 % unhealthy")
    func status() {
        func usage(_ cpu: Double, _ memory: Double, _ disk: Double) -> SystemUsage {
            SystemUsage(cpuPercent: cpu, memoryPercent: memory, diskPercent: disk, networkInKBps: 0, networkOutKBps: 0)
        }
        #expect(HealthStatus.judge(usage(10, 20, 84.9)) == .healthy)
        #expect(HealthStatus.judge(usage(85, 20, 30)) == .degraded)
        #expect(HealthStatus.judge(usage(10, 95, 30)) == .unhealthy)
    }
}

extension SystemSample {
    init(at: Duration, network: ProcParsers.NetworkBytes?) {
        self.init(at: at, cpu: nil, memory: nil, diskPercent: nil, network: network)
    }
}
