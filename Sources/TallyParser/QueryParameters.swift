import Glibc
import TallyBytes

/// The parameters of a URL's query string (`ev=imp&cmp=abc`), looked up by name in place.
///
/// Only `&` separates parameters. A `;`, which HTML 4 once suggested as a separator, is part of
/// a value, as in the WHATWG URL standard's form-urlencoded parsing, which `URLSearchParams`
/// (and so a pixel's script) follows; a `;` a pixel means as text arrives as `%3B` either way.
///
/// Names are compared as raw bytes, never decoded, so `c%6Dp` is not `cmp`: a pixel's own script
/// writes its names plainly, and decoding every name of every line only to compare it would cost
/// more than any such line is worth. The first parameter of a name wins; a parameter without `=`
/// has an empty value.
struct QueryParameters {
    /// The query, after the `?` (as `AccessLogLine.query` gives it).
    let query: UnsafeRawBufferPointer

    init(_ query: UnsafeRawBufferPointer) {
        self.query = query
    }

    /// The raw (still encoded) value of the first parameter named `name`, a slice of the query;
    /// nil if there is none, or if `name` is empty.
    ///
    /// - Complexity: O(n) in the query's length.
    func value(named name: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard let base = query.baseAddress, let wanted = name.baseAddress, name.count > 0 else { return nil }
        let n = query.count
        var start = 0
        while start < n {
            let end = memchr(base + start, Int32(UInt8(ascii: "&")), n - start).map { UnsafeRawPointer($0) - base } ?? n
            if end - start >= name.count, memcmp(base + start, wanted, name.count) == 0 {
                let after = start + name.count
                if after == end { return UnsafeRawBufferPointer(rebasing: query[end..<end]) }
                if query[after] == UInt8(ascii: "=") { return UnsafeRawBufferPointer(rebasing: query[after + 1..<end]) }
            }
            start = end + 1
        }
        return nil
    }

    /// `value` percent-decoded as a form value: `%XX` (hex digits of either case) is that byte
    /// and `+` a space. The result may be any bytes (`%00`, invalid UTF-8): the caller checks.
    ///
    /// A value with neither `%` nor `+` is given back as it is, without a copy, which is most
    /// values; any other is decoded into `scratch` and valid until its next use.
    ///
    /// - Returns: nil if a `%` is not followed by two hex digits: the value is then not what any
    ///   encoder writes, and guessing what it meant would count it under a name nobody sent.
    static func percentDecoded(_ value: UnsafeRawBufferPointer, into scratch: ScratchBuffer) -> UnsafeRawBufferPointer?
    {
        var i = DelimitedRowScanner.next(value, from: 0, UInt8(ascii: "%"), UInt8(ascii: "+"))
        guard i < value.count else { return value }
        // Decoding never grows a value: `%XX` is three bytes for one.
        let out = scratch.reserve(value.count)
        // i > 0 here would mean a non-empty value, so the base address is not nil.
        if i > 0 { out.update(from: value.baseAddress!.assumingMemoryBound(to: UInt8.self), count: i) }
        var n = i
        while i < value.count {
            let c = value[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < value.count, let high = EscapeDecoder.hexValue(value[i + 1]),
                    let low = EscapeDecoder.hexValue(value[i + 2])
                else { return nil }
                out[n] = UInt8(high << 4 | low)
                i += 3
            } else {
                out[n] = c == UInt8(ascii: "+") ? ASCII.space : c
                i += 1
            }
            n += 1
        }
        return UnsafeRawBufferPointer(start: out, count: n)
    }
}
