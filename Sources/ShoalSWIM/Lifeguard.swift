// MARK: - Lifeguard math

extension SWIM {
    /// The formulas of memberlist and Lifeguard, as pure functions.
    public enum Lifeguard {
        /// How many times a broadcast is sent: `mult × ceil(log10(n + 1))`.
        public static func retransmitLimit(mult: Int, members n: Int) -> Int {
            mult * SWIMMath.ceilLog10(max(n, 0) + 1)
        }

        /// The suspicion minimum: `mult × max(1, log10 n) × interval`, in nanoseconds.
        public static func suspicionMin(mult: Int, members n: Int, interval: UInt64) -> UInt64 {
            let scale = max(1.0, SWIMMath.ln(Double(max(n, 1))) / SWIMMath.ln(10))
            return UInt64(Double(mult) * scale * Double(interval))
        }

        /// The suspicion timeout after `confirmations` independent confirmations:
        /// `max(min, max − (max − min) × log(c + 1) / log(k + 1))`, rounded down to milliseconds; `min` when k < 1.
        public static func suspicionTimeout(confirmations c: Int, k: Int, min lo: UInt64, max hi: UInt64) -> UInt64 {
            guard k >= 1, hi > lo else { return lo }
            let fraction = SWIMMath.ln(Double(c + 1)) / SWIMMath.ln(Double(k + 1))
            let raw = Double(hi) - fraction * Double(hi - lo)
            let ms = UInt64(max(raw, 0) / 1_000_000) * 1_000_000
            return Swift.max(lo, ms)
        }

        /// The push-pull interval for `n` members: base × (ceil(log2 n − log2 32) + 1) above 32 members.
        public static func pushPullInterval(base: UInt64, members n: Int) -> UInt64 {
            guard n > 32 else { return base }
            let mult = SWIMMath.ceilLog2((n + 31) / 32) + 1
            return base * UInt64(mult)
        }
    }
}
