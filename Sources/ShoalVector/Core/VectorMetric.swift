/// How two vectors are compared.
///
/// **Score convention: higher is always better.** Every search result carries a `score`:
///
/// | metric | score | range |
/// |---|---|---|
/// | ``cosine`` | cosine similarity `a·b / (‖a‖‖b‖)` (0 when either vector is all zeros) | [-1, 1] |
/// | ``dot`` | the inner product `a·b` | any |
/// | ``l2`` | the **negated** Euclidean distance `-‖a − b‖` | (-∞, 0] |
///
/// A `similarity_threshold` keeps the results whose score is ≥ the threshold, so for ``l2`` a threshold of `-0.5`
/// keeps the vectors within distance 0.5 of the query.
public enum VectorMetric: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Cosine similarity (vectors are normalised once, when loaded).
    case cosine
    /// Inner product.
    case dot
    /// Euclidean distance, reported negated.
    case l2

    /// The metric's name (`cosine`, `dot`, `l2`).
    public var description: String { rawValue }

    /// The score of a vector pair from the internal distance (lower is closer) the kernels compute.
    ///
    /// For ``cosine`` and ``dot`` the internal distance is `-a·b` (vectors already normalised for cosine); for
    /// ``l2`` it is the squared Euclidean distance.
    @inline(__always)
    func score(fromDistance distance: Float) -> Float {
        switch self {
        case .cosine, .dot: return -distance
        case .l2: return -distance.squareRoot()
        }
    }

    /// The internal distance (lower is closer) between two vectors of `count` elements.
    @inline(__always)
    func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        switch self {
        case .cosine, .dot: return -VectorKernels.dot(a, b, count)
        case .l2: return VectorKernels.squaredL2(a, b, count)
        }
    }
}
