import Foundation
import TallyBytes
import TallyPipeline
import TallyTestSupport
import TallyWriter

let fixtures = Repository.fixtures

/// The inflaters this build can use: zlib always, ISA-L where it is built in and installed.
let pipelineInflaters = Inflater.allCases.filter(\.isAvailable)

func temporaryDirectory(_ label: String) -> String {
    ScratchDirectories.make(label)
}

/// Every file in `directory` by name, with its bytes; but the run lock and the state store's
/// folder, which are bookkeeping (temporary files are listed: none may be left).
func files(in directory: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    guard FileManager.default.fileExists(atPath: directory) else { return result }
    for name in try FileManager.default.contentsOfDirectory(atPath: directory)
    where name != RunLock.fileName && name != ".tally" {
        result[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    }
    return result
}

func writeFile(_ path: String, _ text: String) {
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

func runRollup(
    _ inputs: [String], tz: String = "UTC", jobs: Int = 2, out: String? = nil, allowEmpty: Bool = false
) throws -> (RunReport, String) {
    let out = out ?? temporaryDirectory("out")
    var configuration = RunConfiguration(inputs: inputs, outputDirectory: out)
    configuration.timeZone = tz
    configuration.jobs = jobs
    configuration.allowEmpty = allowEmpty
    return (try RollupRun(configuration: configuration).run(), out)
}

func gunzip(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -dc \"$0\"", path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Runs the built `tally` binary, as cron would: no terminal, output captured.
func runTally(_ arguments: [String], stdin: Data? = nil, stdinFile: String? = nil) throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = Repository.tallyBinary
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    if let stdinFile {
        process.standardInput = FileHandle(forReadingAtPath: stdinFile)
    } else {
        process.standardInput = input
    }
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: stdoutData, as: UTF8.self),
        String(decoding: stderrData, as: UTF8.self)
    )
}

/// Runs `script` with /bin/sh and returns what it printed on standard output.
func runShell(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// `table`, an encoded table, with its keys listed whole, as tally wrote tables before 0.16
/// (partial files of format version 1, state stores of schema 1): the rest is the same.
func withWholeKeys(_ table: [UInt8]) throws -> [UInt8] {
    var reader = BinaryReader(table)
    var writer = BinaryWriter()
    let count = try reader.readInt()
    writer.append(count)
    var key: [UInt8] = []
    for _ in 0..<count {
        key.removeSubrange(try reader.readInt()...)
        key += try reader.readBytes { Array($0) }
        key.withUnsafeBytes { writer.append(bytes: $0) }
    }
    writer.append(raw: Array(table[reader.offset...]))
    return writer.bytes
}
