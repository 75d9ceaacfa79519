// A minimal Android help panel over the inscene SDK (Jetpack Compose). Compiles against
// the module in bindings/android (package dev.inscene); not built in CI here, where the
// same generated API is compiled and run on the JVM by bindings/tests/KotlinTest.kt.
//
// The catalog is loaded once (e.g. in Application.onCreate, off the main thread) and shared.
package com.example.shop.help

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import dev.inscene.ActionOutcome
import dev.inscene.EventSink
import dev.inscene.HelpCatalog
import dev.inscene.HelpException
import dev.inscene.HelpSession
import dev.inscene.SessionStatus
import dev.inscene.StepView
import java.util.UUID
import kotlinx.coroutines.flow.Flow

private fun now() = System.currentTimeMillis() / 1000

/** Forwards analytics events to the app's pipeline. */
class Analytics : EventSink {
    override fun onEvent(eventJson: String) = println("help event: $eventJson")
}

/**
 * What the help desk says of the handoff, as the app's backend relays it (for django-helpdesk
 * or Bot Framework, `inscene handoff status` reads the desk's reply into exactly these fields).
 */
data class DeskWord(val state: String, val position: ULong? = null, val waitSeconds: ULong? = null, val reason: String? = null)

/**
 * Shows the best suggestion for [contextJson], then walks its flow. [performAction] runs the
 * in-app action a step asks for; [onHandoff] receives the packet when a person takes over;
 * [deskWords] carries what the desk says afterwards (queued, accepted, failed, completed).
 */
@Composable
fun HelpPanel(
    catalog: HelpCatalog,
    contextJson: String,
    performAction: (action: String, paramsJson: String) -> Boolean,
    onHandoff: (packetJson: String) -> Unit,
    deskWords: Flow<DeskWord>? = null,
) {
    var session by remember { mutableStateOf<HelpSession?>(null) }
    var view by remember { mutableStateOf<StepView?>(null) }
    var error by remember { mutableStateOf<String?>(null) }
    var crisis by remember { mutableStateOf<String?>(null) }

    // One loop over what the core decided: each effect comes once, on the transition that caused it,
    // so a refresh of the view never hands the packet over twice.
    fun show(next: StepView) {
        view = next
        for (effect in session?.takeEffects().orEmpty()) {
            when (effect) {
                is Effect.HandOff -> onHandoff(effect.packetJson)
                is Effect.ShowCrisis -> crisis = effect.resources
                is Effect.PerformAction -> {
                    val ok = performAction(effect.request.action, effect.request.paramsJson)
                    show(session!!.actionResult(if (ok) ActionOutcome.SUCCESS else ActionOutcome.FAILURE, null, now()))
                }
            }
        }
    }

    fun act(step: HelpSession.() -> StepView) = try {
        session?.let { show(it.step()) }
    } catch (e: HelpException.Failed) {
        error = e.code // stable code; e.detail is the human message
    }

    // The desk's word goes into the session, which moves the route on after a failure.
    // Its effects go through the same loop; the packet is never handed over twice.
    if (deskWords != null) {
        LaunchedEffect(deskWords) {
            deskWords.collect { w ->
                try {
                    session?.let { show(it.deskStatus(w.state, w.position, w.waitSeconds, w.reason, now())) }
                } catch (e: HelpException.Failed) {
                    error = e.code
                }
            }
        }
    }

    Column(Modifier.padding(16.dp)) {
        crisis?.let { Text(it) } // crisis resources first, above everything
        val current = view
        if (current == null) {
            val found = remember(contextJson) { catalog.resolve(contextJson, now()) }
            found.crisis?.let { Text(it.resources) }
            for (s in found.suggestions) {
                Button(onClick = {
                    val started = catalog.startSession(UUID.randomUUID().toString(), s.scenario, null, contextJson, now(), Analytics())
                    session = started
                    show(started.view(now()))
                }) { Text(s.title) }
            }
        } else {
            Text(current.text) // plain text, never markup
            when (current.kind) {
                "message" -> Button(onClick = { act { next(now()) } }) { Text("Continue") }
                "choice" -> current.options.forEach { o ->
                    OutlinedButton(onClick = { act { choose(o.id, now()) } }) { Text(o.label) }
                }
            }
            if (current.status == SessionStatus.RESOLVED && current.askFeedback) {
                Button(onClick = { act { feedback(true, now()) } }) { Text("This helped") }
            }
            current.escalation?.let { EscalationStatus(it) }
        }
        error?.let { Text("Something went wrong ($it)") }
        // A person is always one tap away; prominent when the policy recommends it.
        if (view?.escalation == null) {
            Button(onClick = { if (session == null) onHandoff("{}") else act { askHuman(now()) } }) {
                Text(if (view?.human?.prominent == true) "Talk to a person now" else "Talk to a person")
            }
        }
    }
}

/** The escalation's own route and the desk's latest word, as the session gives them. */
@Composable
private fun EscalationStatus(e: EscalationView) {
    val minutes = e.waitSeconds?.let { (it.toLong() + 59) / 60 }
    when (e.desk?.state) {
        "queued" -> Text(
            listOfNotNull(
                e.desk?.position?.let { "You are number $it in the queue." },
                minutes?.let { "About $it min." },
            ).joinToString(" ").ifEmpty { "You are in the queue." },
        )
        "accepted" -> Text("A person has joined.")
        "completed" -> Text("The person has finished helping you.")
        else -> {
            // Not yet reported, or failed: the session already offers the next route.
            e.opensAt?.let { Text("Our team answers again from ${java.time.Instant.ofEpochSecond(it)}.") }
            Text("We will reach you by ${e.channels.joinToString(" or ") { channelName(it) }}.")
            minutes?.let { Text("About $it min.") }
        }
    }
}

private fun channelName(channel: String) = when (channel) {
    "chat" -> "chat"
    "voice" -> "phone"
    "video" -> "video call"
    "callback" -> "a call back"
    else -> "a message"
}
