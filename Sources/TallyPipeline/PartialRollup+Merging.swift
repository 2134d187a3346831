import TallyReader

extension PartialRollup {
    /// Why `tally merge` wrote nothing: a partial that could not be read, or two that do not
    /// go together. Nothing is written then, since any day file would be short of counts.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
        public let exitStatus: ExitStatus
    }

    /// Reads the partial rollups at `locations` and merges them into one, in the order given
    /// (any order gives the same result).
    static func merging(_ locations: [InputLocation]) throws(Refusal) -> PartialRollup {
        var merged: PartialRollup?
        var digests: [ContentFingerprint: InputLocation] = [:]
        for location in locations {
            let (partial, digest): (PartialRollup, ContentFingerprint)
            do throws(FileError) {
                (partial, digest) = try decode(try bytes(of: location))
            } catch {
                throw Refusal(description: "\(location): \(error)", exitStatus: error.exitStatus)
            }
            if let other = digests.updateValue(location, forKey: digest) {
                throw Refusal(
                    description: "\(other) and \(location) are the same partial: merged, it would be counted twice",
                    exitStatus: .dataError)
            }
            guard let merged else {
                merged = partial
                continue
            }
            do throws(MergeError) {
                try merged.merge(partial)
            } catch {
                throw Refusal(
                    description: "\(location) cannot be merged with the partials before it: \(error)",
                    exitStatus: .dataError)
            }
        }
        // The caller gives at least one partial.
        return merged!
    }

    /// The whole content of a partial file (or of standard input).
    private static func bytes(of location: InputLocation) throws(FileError) -> [UInt8] {
        do throws(InputError) {
            return try location.wholeContents()
        } catch {
            throw .unreadable(error)
        }
    }
}
