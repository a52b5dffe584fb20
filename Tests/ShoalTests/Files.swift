import Foundation

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func removeFile(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
