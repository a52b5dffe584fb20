import Foundation

/// Which way a metric is going.
public enum TrendDirection: String, Sendable, Hashable, Codable {
    /// The relative slope is above the threshold.
    case rising
    /// The relative slope is below minus the threshold.
    case falling
    /// Within the threshold either way.
    case stable
    /// Fewer than ``TrendAnalysis/minimumSamples`` samples, or all at one instant.
    case insufficientData = "insufficient_data"
}

/// The trend of one metric.
public struct MetricTrend: Sendable, Hashable, Codable {
    /// Which metric.
    public var metric: HealthMetric
    /// Least-squares slope, in the metric's unit per hour.
    public var slopePerHour: Double
    /// The mean of the samples.
    public var mean: Double
    /// `slopePerHour / max(|mean|, 1)`: the share of the mean gained or lost per hour.
    public var relativeSlopePerHour: Double
    /// The verdict.
    public var direction: TrendDirection
    /// How many samples were used.
    public var sampleCount: Int
}

/// The trend rule: fit `value = a + b·t` by least squares (t in hours), divide `b` by `max(|mean|, 1)`; rising
/// when that exceeds `threshold` (default 0.05 = 5 % of the mean per hour), falling below `-threshold`, stable
/// otherwise. The floor of 1 on the mean keeps near-zero metrics (an idle link's KB/s) from looking volatile.
public enum TrendAnalysis {
    /// Fewer samples than this give ``TrendDirection/insufficientData``.
    public static let minimumSamples = 3
    /// The default relative-slope threshold per hour.
    public static let defaultThreshold = 0.05

    /// The trend of one series.
    public static func trend(of series: MetricSeries, threshold: Double = defaultThreshold) -> MetricTrend {
        let samples = series.samples
        guard samples.count >= minimumSamples, let origin = samples.first?.time else {
            return MetricTrend(
                metric: series.metric,
                slopePerHour: 0,
                mean: samples.map(\.value).reduce(0, +)
                    / Double(max(1, samples.count)),
                relativeSlopePerHour: 0,
                direction: .insufficientData,
                sampleCount: samples.count
            )
        }
        let xs = samples.map { $0.time.timeIntervalSince(origin) / 3600 }
        let ys = samples.map(\.value)
        let n = Double(samples.count)
        let meanX = xs.reduce(0, +) / n
        let meanY = ys.reduce(0, +) / n
        var sxx = 0.0
        var sxy = 0.0
        for (x, y) in zip(xs, ys) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
        }
        guard sxx > 0 else {
            return MetricTrend(
                metric: series.metric,
                slopePerHour: 0,
                mean: meanY,
                relativeSlopePerHour: 0,
                direction: .insufficientData,
                sampleCount: samples.count
            )
        }
        let slope = sxy / sxx
        let relative = slope / max(abs(meanY), 1)
        let direction: TrendDirection = relative > threshold ? .rising : relative < -threshold ? .falling : .stable
        return MetricTrend(
            metric: series.metric,
            slopePerHour: slope,
            mean: meanY,
            relativeSlopePerHour: relative,
            direction: direction,
            sampleCount: samples.count
        )
    }
}
