import Testing

@Test func ModelFilesTestsPlaceholder() { #expect(1 + 1 == 2) }
