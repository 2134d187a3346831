/// A key of a configuration file, from the root: `fields.time`, `sources[1].match`, `columns[0]`.
struct ConfigKey: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case name(String)
        /// An element of an array (`[[sources]]` entries count from 0).
        case index(Int)
    }

    var components: [Component] = []

    static let root = ConfigKey()

    func appending(_ name: String) -> ConfigKey {
        ConfigKey(components: components + [.name(name)])
    }

    func appending(index: Int) -> ConfigKey {
        ConfigKey(components: components + [.index(index)])
    }

    /// As TOML writes it: a name that is not bare is quoted.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .name(let name):
                if !text.isEmpty { text += "." }
                let isBare = !name.isEmpty && name.utf8.allSatisfy(KeyScanner.isBareKeyByte)
                text += isBare ? name : ConfigReader.quoted(name)
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
