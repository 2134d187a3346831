/// A field's name as found in a line, with its rank among the field's aliases (0 is preferred).
struct FieldMatch {
    let field: Field
    let rank: Int
}
