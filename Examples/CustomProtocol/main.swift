// A custom protocol in a few lines: an analytics-style request/response protocol between two Shoal hosts.
//
// The server registers `/ipfs-datasets/analytics/1.0.0`; the client sends a list of numbers (JSON) and gets their
// count, mean, min and max back. Both hosts run in this process and talk over real TCP on 127.0.0.1, through Noise
// and yamux, exactly as two machines would.
//
// Run: swift run CustomProtocol

import Foundation
import ShoalHost
import ShoalMultiformats

struct AnalyticsRequest: Codable {
    var metric: String
    var values: [Double]
}

struct AnalyticsResponse: Codable {
    var metric: String
    var count: Int
    var mean: Double
    var min: Double
    var max: Double
}

let protocolID = "/ipfs-datasets/analytics/1.0.0"
let loopback = try Multiaddr("/ip4/127.0.0.1/tcp/0")

try await withHost(HostConfiguration(listenAddresses: [loopback])) { server in
    // The protocol: decode the request, compute, encode the response. Errors reset the stream.
    server.registerRequestHandler(protocolID, maximumRequestLength: 64 * 1024) { peer, bytes in
        let request = try JSONDecoder().decode(AnalyticsRequest.self, from: Data(bytes))
        let values = request.values
        let response = AnalyticsResponse(
            metric: request.metric,
            count: values.count,
            mean: values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count),
            min: values.min() ?? 0,
            max: values.max() ?? 0
        )
        return Array(try JSONEncoder().encode(response))
    }

    try await withHost(HostConfiguration()) { client in
        let peer = try await client.connect(server.dialableAddresses[0])
        let request = AnalyticsRequest(metric: "latency_ms", values: [12, 7.5, 30, 9, 14.25])
        let reply = try await client.request(peer, protocol: protocolID, Array(try JSONEncoder().encode(request)))
        let response = try JSONDecoder().decode(AnalyticsResponse.self, from: Data(reply))
        print("asked \(peer) over \(protocolID)")
        print("count=\(response.count) mean=\(response.mean) min=\(response.min) max=\(response.max)")
        guard response.count == 5, response.max == 30 else {
            throw NSError(domain: "CustomProtocol", code: 1)
        }
    }
}
