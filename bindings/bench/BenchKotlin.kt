// Per-call cost of the sample catalog's resolve through the generated Kotlin bindings (JNA), in
// release: the resolution as records and as one JSON text, and a call that does almost nothing
// (redact("x")), the floor of any call through these bindings. Same catalog, context and method as
// bench_python.py; compare with `perf-report -- --sample`. `bash bindings/bench/run.sh` builds,
// generates, compiles and runs it:
//
//   kotlinc bindings/bench/BenchKotlin.kt DIR/dev/inscene/inscene_ffi.kt \
//     -cp /usr/share/java/jna.jar -include-runtime -d bench-kotlin.jar
//   java -cp bench-kotlin.jar:/usr/share/java/jna.jar -Djna.library.path=target/release \
//     -Dinscene.root=$PWD BenchKotlinKt
import dev.inscene.HelpCatalog
import java.io.File

fun timed(calls: Int, call: () -> Unit): Pair<Double, Double> {
    val samples = DoubleArray(calls) {
        val t = System.nanoTime()
        call()
        (System.nanoTime() - t) / 1000.0
    }
    samples.sort()
    return Pair(samples[samples.size / 2], samples[(samples.size * 0.99).toInt()])
}

fun main() {
    val root = System.getProperty("inscene.root") ?: "."
    val catalog = HelpCatalog(File(root, "content/sample-shop.json").readText())
    val ctx = """{"locale":"en","screen":"orders/detail","query":"my order disappeared",""" +
        """"entities":{"order":{"id":"20261122001","status":"deleted"}}}"""
    val now = 1_795_000_000L
    val calls: List<Pair<String, () -> Unit>> = listOf(
        "floor: redact(\"x\")" to { catalog.redact("x"); Unit },
        "resolve (records)" to { catalog.resolve(ctx, now); Unit },
        "resolveJson" to { catalog.resolveJson(ctx, now); Unit },
    )
    for ((name, call) in calls) {
        timed(20_000, call) // JIT warm-up
        val (median, p99) = timed(20_000, call)
        println("kotlin %s: median %.1f us, p99 %.1f us".format(name, median, p99))
    }
}
