/// How the lines of an input are written.
public enum LogFormat: String, Sendable, CaseIterable {
    /// Decided for each input from its first non-blank line.
    case auto
    case jsonl, csv, tsv
    /// Delimited text with the schema's delimiter, or the one its first line uses most.
    case delimited
    /// Web server access logs in the common or combined log format (nginx, Apache).
    case clf
}
