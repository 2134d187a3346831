/// A field's name as found in a line, with its rank among the field's aliases (0 is preferred).
struct FieldMatch {
    /// `Field.rawValue` for the time, type and campaign; `Field.allCases.count + i` for key
    /// field `i` (`KeyColumns.fieldNames`), which has one name, of rank 0.
    let slot: Int
    let rank: Int

    init(field: Field, rank: Int) {
        slot = field.rawValue
        self.rank = rank
    }

    init(keyField index: Int) {
        slot = Field.allCases.count + index
        rank = 0
    }
}
