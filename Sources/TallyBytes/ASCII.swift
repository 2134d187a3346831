/// The bytes tally's code names, in one place: structure of JSON and CSV, line ends, and the
/// two bits of ASCII arithmetic the parsers use.
///
/// Computed and inlinable, so that in another module each is a constant, never a load.
public enum ASCII {
    @inlinable public static var nul: UInt8 { 0x00 }
    @inlinable public static var tab: UInt8 { 0x09 }
    @inlinable public static var newline: UInt8 { 0x0a }
    @inlinable public static var carriageReturn: UInt8 { 0x0d }
    @inlinable public static var space: UInt8 { 0x20 }
    @inlinable public static var quote: UInt8 { 0x22 }
    @inlinable public static var comma: UInt8 { 0x2c }
    @inlinable public static var colon: UInt8 { 0x3a }
    @inlinable public static var backslash: UInt8 { 0x5c }
    @inlinable public static var openBrace: UInt8 { 0x7b }
    @inlinable public static var closeBrace: UInt8 { 0x7d }
    @inlinable public static var delete: UInt8 { 0x7f }
    /// `0`: a digit's value is its byte minus this.
    @inlinable public static var zero: UInt8 { 0x30 }
    /// Bytes below this (a space) are control bytes.
    @inlinable public static var firstPrintable: UInt8 { 0x20 }
    /// Set in a letter's byte, it makes the letter lowercase: `byte | caseBit == "e"` is `e` or `E`.
    @inlinable public static var caseBit: UInt8 { 0x20 }
}
