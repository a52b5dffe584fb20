import ShoalCore

/// A set of float32 vectors of one dimension, stored row-major in one contiguous array, each with a row id.
///
/// For ``VectorMetric/cosine`` the rows are normalised to unit length when the matrix is made (an all-zero row
/// stays zero, so its cosine with anything is 0).
public struct VectorMatrix: Sendable {
    /// The vector dimension.
    public let dimension: Int
    /// The metric the rows are prepared for.
    public let metric: VectorMetric
    /// The row-major elements (`count × dimension`).
    public private(set) var elements: [Float]
    /// The id of each row (a dataset row number, or any caller-chosen id).
    public private(set) var ids: [Int64]

    /// The number of vectors.
    public var count: Int { ids.count }

    /// Creates a matrix from rows.
    /// - Parameters:
    ///   - dimension: the vector dimension (1…65,536).
    ///   - metric: the metric (cosine normalises the rows).
    ///   - rows: the vectors, each of `dimension` finite elements.
    ///   - ids: one id per row (default 0, 1, 2, …).
    /// - Throws: `ShoalError` `.invalidArgument` for a bad dimension, a row of another dimension, a non-finite
    ///   element or an id count that does not match.
    public init(dimension: Int, metric: VectorMetric, rows: [[Float]], ids: [Int64]? = nil) throws {
        guard dimension >= 1, dimension <= Self.maximumDimension else {
            throw ShoalError(
                .invalidArgument,
                "vectors: dimension \(dimension) is outside 1...\(Self.maximumDimension)"
            )
        }
        let rowIDs = ids ?? rows.indices.map(Int64.init)
        guard rowIDs.count == rows.count else {
            throw ShoalError(.invalidArgument, "vectors: \(rows.count) rows but \(rowIDs.count) ids")
        }
        var flat: [Float] = []
        flat.reserveCapacity(rows.count * dimension)
        for (i, row) in rows.enumerated() {
            guard row.count == dimension else {
                throw ShoalError(
                    .invalidArgument,
                    "vectors: row \(rowIDs[i]) has dimension \(row.count), expected \(dimension)"
                )
            }
            guard row.allSatisfy(\.isFinite) else {
                throw ShoalError(.invalidArgument, "vectors: row \(rowIDs[i]) has a NaN or infinite element")
            }
            flat.append(contentsOf: row)
        }
        try self.init(dimension: dimension, metric: metric, elements: flat, ids: rowIDs)
    }

    /// Creates a matrix from a flat row-major array.
    /// - Throws: `ShoalError` `.invalidArgument` when `elements.count != ids.count × dimension` or an element is
    ///   not finite.
    public init(dimension: Int, metric: VectorMetric, elements: [Float], ids: [Int64]) throws {
        guard dimension >= 1, dimension <= Self.maximumDimension else {
            throw ShoalError(
                .invalidArgument,
                "vectors: dimension \(dimension) is outside 1...\(Self.maximumDimension)"
            )
        }
        guard elements.count == ids.count * dimension else {
            throw ShoalError(
                .invalidArgument,
                "vectors: \(elements.count) elements is not \(ids.count) rows × \(dimension)"
            )
        }
        if let bad = elements.firstIndex(where: { !$0.isFinite }) {
            throw ShoalError(.invalidArgument, "vectors: row \(ids[bad / dimension]) has a NaN or infinite element")
        }
        self.dimension = dimension
        self.metric = metric
        self.elements = elements
        self.ids = ids
        if metric == .cosine {
            for row in 0..<ids.count { Self.normalise(&self.elements, row * dimension, dimension) }
        }
    }

    /// Largest dimension accepted (the dataset schema's limit).
    public static let maximumDimension = 65_536

    /// Row `row`'s elements (normalised for cosine).
    public func row(_ row: Int) -> ArraySlice<Float> { elements[(row * dimension)..<((row + 1) * dimension)] }

    /// Scales `elements[start..<start+count]` to unit length (no change when its norm is 0).
    static func normalise(_ elements: inout [Float], _ start: Int, _ count: Int) {
        var sum: Float = 0
        for i in start..<(start + count) { sum += elements[i] * elements[i] }
        guard sum > 0 else { return }
        let inverse = 1 / sum.squareRoot()
        for i in start..<(start + count) { elements[i] *= inverse }
    }
}
