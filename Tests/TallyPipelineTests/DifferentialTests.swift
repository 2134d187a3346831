import Foundation
import TallyTestSupport
import Testing

@testable import TallyPipeline
@testable import TallyWriter

/// Generated gzip inputs, some damaged, against a straightforward reference count: tally either
/// refuses a file or counts exactly what the reference counts. Never a third answer.
@Suite struct DifferentialTests {
    static let campaigns = ["alpha", "b,eta", "say \"hi\"", "café", "=calc", "日本", "z", "123"]
    static let kinds = [("impression", 0), ("click", 1), ("video_view", 2), ("IMP", 0), ("start", 2)]

    /// One generated input: its bytes, whether it was damaged, and what its content counts to.
    struct Input {
        var bytes: [UInt8]
        var damaged: Bool
        /// (day, campaign) -> counters
        var expected: [String: [Int]]
    }

    static func makeInput(_ random: inout SplitMix) -> Input {
        var text = ""
        var expected: [String: [Int]] = [:]
        for _ in 0..<(20 + random.next() % 200) {
            switch random.next() % 10 {
            case 0: text += "\n"
            case 1: text += "{\"ts\":\"garbage\n"
            case 2: text += "{\"ts\":1795219200,\"event\":\"conversion\",\"campaign_id\":\"alpha\"}\n"
            default:
                let instant = 1_795_000_000 + Int(random.next() % 400_000)
                let campaign = campaigns[Int(random.next() % UInt64(campaigns.count))]
                let (type, counter) = kinds[Int(random.next() % UInt64(kinds.count))]
                let escaped = campaign.replacingOccurrences(of: "\"", with: "\\\"")
                text += "{\"ts\":\(instant),\"event\":\"\(type)\",\"campaign_id\":\"\(escaped)\",\"x\":[1]}\n"
                let date = CivilDate(daysSinceEpoch: Int32(instant / 86_400))
                expected["\(date)|\(campaign)", default: [0, 0, 0]][counter] += 1
            }
        }
        // Random members, cut anywhere (inside lines and UTF-8 sequences too).
        let plain = Array(text.utf8)
        var cuts = Set<Int>([0, plain.count])
        for _ in 0..<(random.next() % 4) { cuts.insert(Int(random.next() % UInt64(plain.count + 1))) }
        let bounds = cuts.sorted()
        var bytes: [UInt8] = []
        var memberEnds: [Int] = []
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            bytes += gzipMember(Array(plain[start..<end]))
            memberEnds.append(bytes.count)
        }
        var damaged = false
        if random.next() % 2 == 0 {
            damaged = true
            switch random.next() % 4 {
            case 0:
                let at = Int(random.next() % UInt64(bytes.count))
                bytes[at] ^= UInt8(1 + random.next() % 255)
            case 1:
                // Cut anywhere but exactly between members, which leaves a valid, shorter file.
                var at = Int(random.next() % UInt64(bytes.count))
                while memberEnds.contains(at) || at == 0 { at = Int(random.next() % UInt64(bytes.count)) }
                bytes.removeSubrange(at...)
            case 2:
                bytes += [UInt8(1 + random.next() % 255), 0x0a]
            default:
                let at = Int(random.next() % UInt64(bytes.count))
                bytes.insert(UInt8(random.next() % 256), at: at)
            }
        }
        return Input(bytes: bytes, damaged: damaged, expected: expected)
    }

    static func gzipMember(_ plain: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        let encoder = GzipEncoder { bytes in out += bytes }
        try! encoder.write(plain)
        try! encoder.finish()
        return out
    }
}

extension DifferentialTests {
    /// With each inflater this build can use.
    @Test(arguments: [(seed: UInt64(1), jobs: 1), (2, 2), (3, 2), (4, 1), (5, 2), (6, 3)], pipelineInflaters)
    func countsMatchTheReferenceOrTheFileIsRefused(run: (seed: UInt64, jobs: Int), inflater: Inflater) throws {
        let (seed, jobs) = run
        var random = SplitMix(seed: seed)
        let dir = temporaryDirectory("diff")
        let inputs = (0..<50).map { _ in Self.makeInput(&random) }
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        for (i, input) in inputs.enumerated() {
            try Data(input.bytes).write(
                to: URL(fileURLWithPath: "\(dir)/in/\(String(format: "%03d", i)).gz"), options: [])
        }
        var configuration = RunConfiguration(inputs: [dir + "/in"], outputDirectory: dir + "/out")
        configuration.jobs = jobs
        configuration.inflater = inflater
        let report = try RollupRun(configuration: configuration).run()

        var expected: [String: [Int]] = [:]
        for (i, input) in inputs.enumerated() {
            let status = report.inputs[i].status
            if !input.damaged {
                #expect(
                    status == .ok, "undamaged input \(i) was refused: \(String(describing: report.inputs[i].error))")
            }
            guard status == .ok else { continue }
            for (key, counts) in input.expected {
                for c in 0..<3 { expected[key, default: [0, 0, 0]][c] += counts[c] }
            }
        }
        let actual = try parseOutput(dir + "/out")
        #expect(actual == expected)
        if actual != expected {
            for key in Set(actual.keys).union(expected.keys) where actual[key] != expected[key] {
                print("DIFF \(key): tally \(actual[key] ?? []) reference \(expected[key] ?? [])")
            }
            for (i, input) in inputs.enumerated() where input.damaged && report.inputs[i].status == .ok {
                print("DAMAGED BUT ACCEPTED \(i) \(dir)/in")
            }
        }
        #expect(report.inputs.contains { $0.status == .failed }, "no damage was ever detected: the test is not testing")
    }

    /// Reads the day files back into (day|campaign) -> counters.
    func parseOutput(_ directory: String) throws -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (name, data) in try files(in: directory) where name.hasSuffix(".csv") {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
                // Only the campaign may be quoted; the three counters are the last cells.
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                let counts = cells.suffix(3).map { Int($0)! }
                var campaign = cells.dropFirst().dropLast(3).joined(separator: ",")
                if campaign.hasPrefix("\"") {
                    campaign = String(campaign.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
                    if campaign.hasPrefix("'") { campaign.removeFirst() }
                }
                result["\(cells[0])|\(campaign)"] = counts
            }
        }
        return result
    }
}
