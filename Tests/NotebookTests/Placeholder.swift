import Testing

@Test func NotebookTestsPlaceholder() { #expect(1 + 1 == 2) }
