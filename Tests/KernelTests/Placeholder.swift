import Testing
import LontarKernels

@Test func cpuDetectionNamesALevel() {
    let name = String(cString: lt_isa_name(lt_cpu_isa()))
    #expect(["scalar", "avx2-fma", "avx512", "avx512-bf16"].contains(name))
}
