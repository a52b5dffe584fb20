// MARK: - SourceRateLimiter

/// A token bucket per source address, as a value with no clock: `now` is passed in (nanoseconds).
///
/// Each source gets `rate` tokens per second up to `burst`; a datagram costs one. At most `maxSources` buckets are
/// kept: a new source past that evicts the least recently seen one (which then starts with a full bucket).
struct SourceRateLimiter<Source: Hashable & Sendable>: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var last: UInt64
    }

    let rate: Double
    let burst: Double
    let maxSources: Int
    private(set) var buckets: [Source: Bucket] = [:]

    init(rate: Int, burst: Int, maxSources: Int) {
        self.rate = Double(max(rate, 1))
        self.burst = Double(max(burst, 1))
        self.maxSources = max(maxSources, 1)
    }

    /// Whether a datagram from `source` at `now` is admitted (and spends a token if so).
    mutating func admit(_ source: Source, now: UInt64) -> Bool {
        var bucket: Bucket
        if let existing = buckets[source] {
            bucket = existing
            let elapsed = Double(now &- min(now, bucket.last)) / 1e9
            bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        } else {
            if buckets.count >= maxSources { evictOldest() }
            bucket = Bucket(tokens: burst, last: now)
        }
        bucket.last = now
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 }
        buckets[source] = bucket
        return admitted
    }

    private mutating func evictOldest() {
        guard let oldest = buckets.min(by: { $0.value.last < $1.value.last })?.key else { return }
        buckets[oldest] = nil
    }
}
