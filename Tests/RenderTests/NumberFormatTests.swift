import Testing
@testable import LontarRender

@Suite struct NumberFormatTests {
    @Test func groupedIntegers() {
        #expect(NumberFormat.grouped(0) == "0")
        #expect(NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.grouped(1000) == "1,000")
        #expect(NumberFormat.grouped(1_500_000) == "1,500,000")
        #expect(NumberFormat.grouped(-1234567) == "-1,234,567")
        #expect(NumberFormat.grouped(Int64.min) == "-9,223,372,036,854,775,808")
        #expect(NumberFormat.grouped(UInt64.max) == "18,446,744,073,709,551,615")
    }

    @Test func fixedDecimals() {
        #expect(NumberFormat.fixed(3.14159, decimals: 2) == "3.14")
        #expect(NumberFormat.fixed(2.5, decimals: 0) == "2")  // ties to even, as printf
        #expect(NumberFormat.fixed(2.675, decimals: 2) == "2.67")  // 2.675 is 2.67499… in binary
        #expect(NumberFormat.fixed(-0.001, decimals: 2) == "0.00")  // no "-0.00"
        #expect(NumberFormat.fixed(-1.5, decimals: 1) == "-1.5")
        #expect(NumberFormat.fixed(1234567.891, decimals: 2, grouping: true) == "1,234,567.89")
        #expect(NumberFormat.fixed(-1234.5, decimals: 0, grouping: true) == "-1,234")
        #expect(NumberFormat.fixed(12, decimals: 3) == "12.000")
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "NaN")
        #expect(NumberFormat.fixed(-.infinity, decimals: 2) == "-inf")
    }

    @Test func compactSI() {
        #expect(NumberFormat.compact(0) == "0")
        #expect(NumberFormat.compact(42) == "42")
        #expect(NumberFormat.compact(999) == "999")
        #expect(NumberFormat.compact(1000) == "1k")
        #expect(NumberFormat.compact(12_345) == "12.3k")
        #expect(NumberFormat.compact(1_500_000) == "1.5M")
        #expect(NumberFormat.compact(999_999) == "1M")  // rounding carries to the next prefix
        #expect(NumberFormat.compact(999.96) == "1k")
        #expect(NumberFormat.compact(-2_500_000_000) == "-2.5G")
        #expect(NumberFormat.compact(8e9, significantDigits: 2) == "8G")
        #expect(NumberFormat.compact(282.123) == "282")
        #expect(NumberFormat.compact(3.14159) == "3.14")
        #expect(NumberFormat.compact(0.5) == "0.5")
        #expect(NumberFormat.compact(0.01234) == "0.0123")
        #expect(NumberFormat.compact(0.00015) == "1.5e-4")
        #expect(NumberFormat.compact(2e21) == "2e21")
        #expect(NumberFormat.compact(.infinity) == "inf")
        #expect(NumberFormat.compact(.nan) == "NaN")
    }

    @Test func scientific() {
        #expect(NumberFormat.scientific(0.000123) == "1.23e-4")
        #expect(NumberFormat.scientific(1e-10, significantDigits: 2) == "1e-10")
        #expect(NumberFormat.scientific(-6.02e23) == "-6.02e23")
    }
}
