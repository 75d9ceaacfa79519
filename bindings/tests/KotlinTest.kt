// The generated Kotlin bindings, compiled with kotlinc and run on the JVM
// against the built library, as an Android developer would use them.
import dev.inscene.*
import java.io.File

const val NOW = 1_795_000_000L

fun read(rel: String) = File(System.getProperty("inscene.root"), rel).readText()

class Sink : EventSink {
    val types = mutableListOf<String>()
    override fun onEvent(eventJson: String) {
        types.add(Json.parse(eventJson).obj()["type"]!!.str())
    }
}

var passed = 0
var failed = 0

fun check(name: String, body: () -> Unit) {
    try {
        body(); passed++; println("ok   $name")
    } catch (e: Throwable) {
        failed++; println("FAIL $name: $e")
    }
}

fun expect(cond: Boolean, what: String) { if (!cond) throw AssertionError(what) }

fun main() {
    val catalog = HelpCatalog(read("content/sample-shop.json"))

    check("resolve the missing-order context") {
        val found = catalog.resolve("""{"locale":"en","query":"my order disappeared"}""", NOW)
        expect(found.suggestions.first().scenario == "order_missing", "top suggestion")
        expect(found.suggestions.first().reasons.any { it.kind == "text" }, "text reason")
    }

    check("resolve as one JSON text agrees with the records") {
        val ctx = """{"locale":"en","query":"my order disappeared"}"""
        val records = catalog.resolve(ctx, NOW)
        val found = Json.parse(catalog.resolveJson(ctx, NOW)).obj()
        val first = found["suggestions"]!!.arr().first().obj()
        expect(first["scenario"]!!.str() == records.suggestions.first().scenario, "same top suggestion")
        expect(found["suggestions"]!!.arr().size == records.suggestions.size, "same number of suggestions")
        expect(found["event"]!!.obj()["type"]!!.str() == "suggested", "the suggested event")
    }

    check("walk to resolution") {
        val sink = Sink()
        val ctx = """{"locale":"zh-Hans","entities":{"order":{"id":"20261122001","status":"deleted"}}}"""
        val s = catalog.startSession("kt-1", "order_missing", null, ctx, NOW, sink)
        expect(s.view(NOW).text.contains("20261122001"), "placeholder filled")
        var v = s.next(NOW)
        expect(v.action?.action == "open_deleted_orders", "action requested")
        s.actionResult(ActionOutcome.SUCCESS, null, NOW)
        s.choose("yes", NOW)
        s.choose("restore", NOW)
        v = s.actionResult(ActionOutcome.SUCCESS, null, NOW)
        expect(v.status == SessionStatus.RESOLVED, "resolved")
        s.feedback(true, NOW)
        expect(sink.types.first() == "started" && sink.types.last() == "feedback", "events ${sink.types}")
    }

    check("walk to escalation with a handoff packet") {
        val s = catalog.startSession("kt-2", "login_failure", null, """{"locale":"en","user":{"segments":["elderly"]}}""", NOW, null)
        expect(s.view(NOW).human.prominent, "human offered to the elderly from the first step")
        val v = s.choose("other", NOW)
        expect(v.status == SessionStatus.ESCALATED, "escalated")
        val packet = Json.parse(s.handoffJson()!!).obj()
        expect(packet["schema"]!!.str() == "inscene.handoff.v1", "schema")
        expect(packet["channels"]!!.arr().first().str() == "voice", "voice first")
    }

    check("the desk's availability and status, typed") {
        val ctx = """{"locale":"en","entities":{"order":{"id":"1","status":"deleted"}},"desk":{"channels":{"chat":{"open":false},"callback":{"open":true,"wait_seconds":900}}}}"""
        val s = catalog.startSession("kt-desk", "order_missing", null, ctx, NOW, null)
        val v = s.askHuman(NOW).escalation!!
        expect(v.channels.first() == "callback" && "chat" !in v.channels, "route ${v.channels}")
        expect(v.waitSeconds == 900UL, "wait ${v.waitSeconds}")
        val q = s.deskStatus("queued", 2UL, 600UL, null, NOW + 5).escalation!!
        expect(q.desk?.state == "queued" && q.desk?.position == 2UL, "queued ${q.desk}")
        val f = s.deskStatus("failed", null, null, "no_agents", NOW + 10).escalation!!
        expect(f.channels == listOf("ticket"), "next route ${f.channels}")
        try {
            s.deskStatus("failed", null, null, "Agent Li Wei is away", NOW + 11)
            throw AssertionError("free text accepted")
        } catch (e: HelpException.Failed) {
            expect(e.code == "session.invalid_input", "code ${e.code}")
        }
    }

    check("content errors arrive typed") {
        val broken = read("content/sample-shop.json").replaceFirst("\"next\": \"open_deleted\"", "\"next\": \"open_delted\"")
        try {
            HelpCatalog(broken).startSession("kt-3", "order_missing", null, "{}", NOW, null)
            throw AssertionError("no error")
        } catch (e: HelpException.Failed) {
            expect(e.code == "content.dangling_next", "code ${e.code}")
            expect(e.path == "/flows/0/steps/1/next", "path ${e.path}")
        }
        val finding = lint(broken).first()
        expect(finding.code == "content.dangling_next" && finding.line != null, "lint finding")
    }

    check("a catalog loads from bytes; bytes that are not UTF-8 are a typed error") {
        val fromBytes = HelpCatalog.fromBytes(File(System.getProperty("inscene.root"), "content/sample-shop.json").readBytes())
        expect(fromBytes.id() == catalog.id(), "same catalog")
        try {
            HelpCatalog.fromBytes(byteArrayOf(0x7b, 0x0a, 0xff.toByte(), 0x7d))
            throw AssertionError("no error")
        } catch (e: HelpException.Failed) {
            expect(e.code == "content.invalid_json", "code ${e.code}")
        }
    }

    check("golden content packs verify like Rust") {
        val dir = File(System.getProperty("inscene.root"), "tests/packs")
        val cases = Json.parse(File(dir, "cases.json").readText()).obj()
        val now = cases["now"]!!.long()
        var n = 0
        for (c in cases["cases"]!!.arr().map { it.obj() }) {
            val name = c["name"]!!.str()
            val keys = c["trust"]!!.arr().map { File(dir, it.str()).readText() }
            val expect = c["expect"]!!.obj()
            try {
                val cat = HelpCatalog.fromPack(
                    File(dir, c["pack"]!!.str()).readBytes(), keys, c["installed"]?.long()?.toULong(), c["user_id"]?.str(), now,
                )
                expect(expect["error"] == null, "$name: taken, wanted ${expect["error"]?.str()}")
                expect(cat.packSequence() == expect["sequence"]!!.long().toULong(), "$name: sequence ${cat.packSequence()}")
                expect(cat.version() == expect["catalog_version"]!!.str(), "$name: version ${cat.version()}")
            } catch (e: HelpException.Failed) {
                expect(e.code == expect["error"]?.str(), "$name: ${e.code}, wanted ${expect["error"]?.str()}")
                expect["path"]?.let { expect(e.path == it.str(), "$name: path ${e.path}") }
            }
            n++
        }
        expect(n >= 10, "$n cases")
    }

    check("golden vectors replay like Rust") {
        val dir = File(System.getProperty("inscene.root"), "tests/golden")
        var replayed = 0
        var views = 0
        for (file in dir.listFiles()!!.filter { it.name.endsWith(".json") }.sortedBy { it.name }) {
            val v = Json.parse(file.readText()).obj()
            val start = v["start"]?.obj() ?: continue
            val hostActions = v["host_actions"]?.arr()?.map { it.str() }
            val cat = if (hostActions != null) {
                HelpCatalog.withHostActions(read(v["catalog"]!!.str()), hostActions)
            } else {
                HelpCatalog(read(v["catalog"]!!.str()))
            }
            var ctx = v["context"]!!.raw
            val sink = Sink()
            var s = if (start["human"]?.value == true) {
                cat.connectHuman(start["session"]!!.str(), ctx, v["now"]!!.long(), sink)
            } else {
                cat.startSession(
                    start["session"]!!.str(), start["scenario"]?.str(), start["flow"]?.str(), ctx, v["now"]!!.long(), sink,
                    intervention = start["intervention"]?.str(),
                )
            }
            var t = v["now"]!!.long()
            val effects = s.takeEffects().toMutableList()
            for (item in v["script"]?.arr() ?: emptyList()) {
                t += 10
                val o = item.obj()
                o["view"]?.let {
                    // The same shape as the core's view, so the Rust vector's expectation holds as written.
                    val problems = mutableListOf<String>()
                    subset(it, plain(s.view(t)), "", problems)
                    expect(problems.isEmpty(), "${file.name}: view $problems")
                    views++
                }
                if (o.containsKey("restore")) {
                    s = cat.restoreSession(s.snapshot(), ctx, t, sink)
                    for (e in s.takeEffects()) {
                        expect(e is Effect.PerformAction && e.resumed, "${file.name}: restore gave $e")
                    }
                }
                o["context"]?.let { ctx = it.raw; s.setContext(ctx, t); effects += s.takeEffects() }
                val input = o["input"] ?: continue
                val error = o["error"]?.str()
                try {
                    s.applyJson(input.raw, t)
                    effects += s.takeEffects()
                    expect(error == null, "${file.name}: expected $error")
                } catch (e: HelpException.Failed) {
                    expect(e.code == error, "${file.name}: got ${e.code}")
                }
            }
            val expected = v["expect"]!!.obj()
            expect(s.view(t).status.name.lowercase() == expected["status"]!!.str(), "${file.name}: status")
            val events = expected["events"]!!.arr().map { it.str() }
            expect(sink.types == events, "${file.name}: events ${sink.types} != $events")
            // The core's effects, each once: a handoff per escalation, a request per action step.
            expect(s.takeEffects().isEmpty(), "${file.name}: effects are given once")
            val handoffs = effects.filterIsInstance<Effect.HandOff>()
            expect(handoffs.size == sink.types.count { it == "escalated" }, "${file.name}: handoffs $effects")
            val asked = effects.count { it is Effect.PerformAction && !it.resumed }
            expect(asked == sink.types.count { it == "action_requested" }, "${file.name}: actions $effects")
            expect(handoffs.isNotEmpty() == expected.containsKey("handoff"), "${file.name}: the handoff effect")
            replayed++
        }
        expect(replayed >= 10, "replayed $replayed")
        expect(views >= 30, "checked $views views")
    }

    check("hostile strings are typed errors, never a crash") {
        val cat = HelpCatalog(read("content/sample-shop.json"))
        val hostile = listOf("\uD800", "\uDFFF lone", "x".repeat(5_000_000), "{".repeat(100_000), "", "\u0000")
        var typed = 0
        for (text in hostile) {
            val calls = listOf<() -> Unit>(
                { HelpCatalog(text) }, { lint(text) }, { cat.resolve(text, 1L) }, { cat.resolveJson(text, 1L) }, { cat.redact(text) },
                { cat.restoreSession(text, "{}", 1L, null) },
                { cat.startSession("k", "order_missing", null, "{}", 1L, null).choose(text, 1L) },
                { cat.startSession("k", "order_missing", null, "{}", 1L, null).submit(text, 1L) },
                { cat.startSession("k", "order_missing", null, "{}", 1L, null).applyJson(text, 1L) },
                { HelpCatalog.withHostActions(read("content/sample-shop.json"), listOf(text)) },
            )
            for (call in calls) {
                // A lone surrogate is no valid string: the generated code refuses it while
                // encoding (CharacterCodingException), before the library sees it.
                try { call() } catch (e: HelpException) { typed++ } catch (e: java.nio.charset.CharacterCodingException) { typed++ }
            }
        }
        expect(typed > 0, "no typed error at all")
        expect(cat.resolve("{\"query\": \"my order disappeared\"}", 1L).suggestions[0].scenario == "order_missing", "still works")
    }

    check("redaction fixture like Rust") {
        val cat = HelpCatalog(read("content/sample-shop.json"))
        val fixture = Json.parse(read("tests/redaction.json")).obj()
        val redact = fixture["redact"]!!.arr()
        val keep = fixture["keep"]!!.arr()
        expect(redact.size >= 100 && keep.size >= 50, "fixture size")
        val wrong = redact.map { it.obj() }.filter { cat.redact(it["text"]!!.str()) != it["expect"]!!.str() }.map { it["text"]!!.str() } +
            keep.map { it.str() }.filter { cat.redact(it) != it }
        expect(wrong.isEmpty(), "differ: $wrong")
    }

    println("kotlin-bindings: $passed passed, $failed failed")
    if (failed > 0) kotlin.system.exitProcess(1)
}

/** A view as the core's JSON has it: records as maps, the action's parameters parsed. */
fun plain(v: StepView): Map<String, Any?> = mapOf(
    "session" to v.session, "status" to v.status.name.lowercase(), "flow" to v.flow, "step" to v.step,
    "kind" to v.kind, "title" to v.title, "text" to v.text, "locale" to v.locale,
    "options" to v.options.map { mapOf("id" to it.id, "label" to it.label) },
    "input" to v.input?.let { mapOf("max_length" to it.maxLength.toLong(), "error" to it.error) },
    "action" to v.action?.let { mapOf("action" to it.action, "params" to Json.parse(it.paramsJson).plain()) },
    "ask_feedback" to v.askFeedback,
    "human" to v.human.let {
        mapOf(
            "available" to it.available, "visible" to it.visible, "prominent" to it.prominent,
            "reasons" to it.reasons, "channels" to it.channels, "priority" to it.priority,
        )
    },
    "can_go_back" to v.canGoBack,
    "escalation" to v.escalation?.let { e ->
        mapOf(
            "reason" to e.reason, "detail" to e.detail, "priority" to e.priority, "channels" to e.channels,
            "queue" to e.queue, "follow_up" to e.followUp, "urgency" to e.urgency,
            "crisis_resources" to e.crisisResources, "at" to e.at, "wait_seconds" to e.waitSeconds?.toLong(),
            "closed" to e.closed, "failed" to e.failed, "opens_at" to e.opensAt,
            "desk" to e.desk?.let { d ->
                mapOf("state" to d.state, "position" to d.position?.toLong(), "reason" to d.reason, "channel" to d.channel, "at" to d.at)
            },
        )
    },
    "notice" to v.notice,
)

/** Expected members must equal actual ones; "~text" means contains; lists match by prefix (as tests/golden.rs). */
fun subset(expected: Json, actual: Any?, at: String, problems: MutableList<String>) {
    val e = expected.value
    when {
        e is Map<*, *> -> {
            val a = actual as? Map<*, *> ?: return run { problems += "$at: expected an object, got $actual" }
            for ((k, ev) in expected.obj()) subset(ev, a[k], "$at/$k", problems)
        }
        e is List<*> -> {
            val a = actual as? List<*> ?: return run { problems += "$at: expected a list, got $actual" }
            val el = expected.arr()
            if (el.size > a.size) problems += "$at: expected at least ${el.size} items, got ${a.size}"
            el.zip(a).forEachIndexed { i, (ev, av) -> subset(ev, av, "$at/$i", problems) }
        }
        e is String && e.startsWith("~") ->
            if (!(actual is String && actual.contains(e.substring(1)))) problems += "$at: $actual lacks ${e.substring(1)}"
        e is Double -> if (!(actual is Number && actual.toDouble() == e)) problems += "$at: expected $e, got $actual"
        e != actual -> problems += "$at: expected $e, got $actual"
    }
}

// A minimal JSON reader for the test (the JDK has none); `raw` keeps each value's text.
class Json(val value: Any?, val raw: String) {
    fun obj() = value as Map<String, Json>
    fun arr() = value as List<Json>
    fun str() = value as String
    fun long() = (value as Number).toLong()
    fun plain(): Any? = when (value) {
        is Map<*, *> -> obj().mapValues { it.value.plain() }
        is List<*> -> arr().map { it.plain() }
        else -> value
    }

    companion object {
        fun parse(s: String): Json { val p = Parser(s); val j = p.value(); return j }
    }

    private class Parser(val s: String) {
        var i = 0
        fun ws() { while (i < s.length && s[i].isWhitespace()) i++ }
        fun value(): Json {
            ws(); val start = i
            val v: Any? = when (s[i]) {
                '{' -> { i++; val m = LinkedHashMap<String, Json>(); ws()
                    if (s[i] == '}') i++ else while (true) { ws(); val k = string(); ws(); i++; m[k] = value(); ws(); if (s[i++] == '}') break }
                    m }
                '[' -> { i++; val l = mutableListOf<Json>(); ws()
                    if (s[i] == ']') i++ else while (true) { l.add(value()); ws(); if (s[i++] == ']') break }
                    l }
                '"' -> string()
                't' -> { i += 4; true }
                'f' -> { i += 5; false }
                'n' -> { i += 4; null }
                else -> { val b = i; while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++; s.substring(b, i).toDouble() }
            }
            return Json(v, s.substring(start, i))
        }
        fun string(): String {
            val sb = StringBuilder(); i++
            while (s[i] != '"') {
                if (s[i] == '\\') { i++
                    when (s[i]) { 'n' -> sb.append('\n'); 't' -> sb.append('\t'); 'u' -> { sb.append(s.substring(i + 1, i + 5).toInt(16).toChar()); i += 4 }; else -> sb.append(s[i]) }
                } else sb.append(s[i])
                i++
            }
            i++; return sb.toString()
        }
    }
}
