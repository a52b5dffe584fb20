// MARK: - SWIM namespace

/// SWIM membership with the Lifeguard refinements, as a pure state machine.
///
/// Everything lives under this namespace: ``SWIM/Instance`` (the protocol), ``SWIM/Settings``, the member
/// and message types, ``SWIM/WireCodec`` (the datagram format) and ``SWIM/PacketSecurity`` (sealing with a
/// cluster key, or Ed25519 signatures without one).
///
/// Semantics follow memberlist (swim.md): randomized round-robin probing, ping-req through k members,
/// suspicion timeouts `max(Min, Max − (Max − Min)·log(C+1)/log(K+1))`, retransmit limit
/// `mult·ceil(log10(N+1))`, push-pull downgrading remote deaths to suspicions, left = the member's own signed
/// "left" record. Differences: members are identified by an Ed25519 key plus a per-start uid, alive/left
/// records are signed by their member (claims above the known incarnation are rejected), the probe timeout
/// scales with the awareness score as well as the interval, and (``Settings/verifyBeforeDeclaringDead``) a
/// suspect gets one last direct-and-indirect probe before it is declared dead.
///
/// Known limits: a restarted member (same key, new uid) is detected through the ordinary failure detector,
/// not replaced at once; suspect/dead claims are unsigned, so a malicious member can forge confirmations
/// (never refutations or metadata); a long partition past the gossip-to-the-dead time needs the shell to
/// re-join through seeds.
///
/// Time: every input takes `now`, a `UInt64` count of nanoseconds since an arbitrary origin chosen by the
/// shell (a monotonic clock). The instance never reads a clock; it asks to be woken with a
/// ``SWIM/Directive/wake(at:)`` directive.
public enum SWIM {
    /// Virtual or monotonic time in nanoseconds since an origin picked by the shell.
    public typealias Time = UInt64
}

extension Duration {
    /// This duration in whole nanoseconds (negative durations become 0).
    var swimNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}

// MARK: - Math without Foundation

enum SWIMMath {
    /// Natural logarithm (atanh series on a reduced argument; ~1e-12 accurate), for the suspicion formula.
    static func ln(_ x: Double) -> Double {
        guard x > 0 else { return -.infinity }
        var m = x
        var e = 0.0
        while m > 2 {
            m /= 2
            e += 1
        }
        while m < 1 {
            m *= 2
            e -= 1
        }
        let y = (m - 1) / (m + 1)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var k = 1.0
        for _ in 0..<40 {
            sum += term / k
            term *= y2
            k += 2
        }
        return 2 * sum + e * 0.693_147_180_559_945_3
    }

    /// `ceil(log10(n))` for n ≥ 1, computed exactly on integers.
    static func ceilLog10(_ n: Int) -> Int {
        var digits = 0
        var p = 1
        while p < n {
            p = p.multipliedReportingOverflow(by: 10).overflow ? Int.max : p * 10
            digits += 1
        }
        return digits
    }

    /// `ceil(log2(n))` for n ≥ 1.
    static func ceilLog2(_ n: Int) -> Int {
        n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount
    }
}
