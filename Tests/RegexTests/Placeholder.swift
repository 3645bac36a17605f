import Testing

@Test func RegexTestsPlaceholder() { #expect(1 + 1 == 2) }
