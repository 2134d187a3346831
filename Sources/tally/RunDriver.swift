import ArgumentParser
import TallyPipeline

/// What every command that runs the pipeline does around it: the process set up for a long
/// unattended run, a progress bar on a terminal, the report told, the exit status.
enum RunDriver {
    static func execute(_ configuration: RunConfiguration, report options: ReportOptions) throws {
        ProcessSetup.reserveStandardDescriptors()
        ProcessSetup.ignoreBrokenPipes()
        if let limit = ProcessSetup.tooFewDescriptors() {
            StandardError.print(
                "tally: error: the descriptor limit (ulimit -n) is \(limit); tally needs at least \(ProcessSetup.minimumDescriptors)"
            )
            throw ExitCode(ExitStatus.osError.rawValue)
        }
        SignalCleanup.install()
        let run = RollupRun(configuration: configuration)
        let bar = ProgressBar(run.progress)
        let report: RunReport
        do {
            report = try run.run()
            bar?.finish()
        } catch {
            bar?.finish()
            throw ValidationError(StandardError.escaped("\(error)") + ".")
        }
        let status = options.emit(report, configuration: configuration)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
