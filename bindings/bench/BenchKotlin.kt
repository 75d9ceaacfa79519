// Per-call cost of resolve through the generated Kotlin bindings (JNA), on the sample catalog.
// Same context and method as bench_python.py; compare with perf-report's native figure.
//
//   cargo build --release -p inscene-ffi
//   kotlinc bindings/bench/BenchKotlin.kt target/bindings/kotlin/dev/inscene/inscene_ffi.kt \
//     -cp /usr/share/java/jna.jar -include-runtime -d target/bench-kotlin.jar
//   java -cp target/bench-kotlin.jar:/usr/share/java/jna.jar -Djna.library.path=target/release \
//     -Dinscene.root=$PWD BenchKotlinKt
import dev.inscene.HelpCatalog
import java.io.File

fun main() {
    val root = System.getProperty("inscene.root") ?: "."
    val catalog = HelpCatalog(File(root, "content/sample-shop.json").readText())
    val ctx = """{"locale":"en","screen":"orders/detail","query":"my order disappeared",""" +
        """"entities":{"order":{"id":"20261122001","status":"deleted"}}}"""
    val now = 1_795_000_000L
    repeat(20_000) { catalog.resolve(ctx, now) } // JIT warm-up
    val samples = DoubleArray(20_000) {
        val t = System.nanoTime()
        catalog.resolve(ctx, now)
        (System.nanoTime() - t) / 1000.0
    }
    samples.sort()
    println(
        "kotlin resolve (sample catalog): median %.1f us, p99 %.1f us".format(
            samples[samples.size / 2], samples[(samples.size * 0.99).toInt()],
        ),
    )
}
