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

private fun now() = System.currentTimeMillis() / 1000

/** Forwards analytics events to the app's pipeline. */
class Analytics : EventSink {
    override fun onEvent(eventJson: String) = println("help event: $eventJson")
}

/**
 * Shows the best suggestion for [contextJson], then walks its flow. [performAction] runs the
 * in-app action a step asks for; [onHandoff] receives the packet when a person takes over.
 */
@Composable
fun HelpPanel(
    catalog: HelpCatalog,
    contextJson: String,
    performAction: (action: String, paramsJson: String) -> Boolean,
    onHandoff: (packetJson: String) -> Unit,
) {
    var session by remember { mutableStateOf<HelpSession?>(null) }
    var view by remember { mutableStateOf<StepView?>(null) }
    var error by remember { mutableStateOf<String?>(null) }

    fun show(next: StepView) {
        view = next
        if (next.status == SessionStatus.ESCALATED) session?.handoffJson()?.let(onHandoff)
        val action = next.action
        if (next.status == SessionStatus.ACTIVE && action != null) {
            val ok = performAction(action.action, action.paramsJson)
            show(session!!.actionResult(if (ok) ActionOutcome.SUCCESS else ActionOutcome.FAILURE, null, now()))
        }
    }

    fun act(step: HelpSession.() -> StepView) = try {
        session?.let { show(it.step()) }
    } catch (e: HelpException.Failed) {
        error = e.code // stable code; e.detail is the human message
    }

    Column(Modifier.padding(16.dp)) {
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
        }
        error?.let { Text("Something went wrong ($it)") }
        // A person is always one tap away; prominent when the policy recommends it.
        if (view?.status != SessionStatus.ESCALATED) {
            Button(onClick = { if (session == null) onHandoff("{}") else act { askHuman(now()) } }) {
                Text(if (view?.human?.prominent == true) "Talk to a person now" else "Talk to a person")
            }
        }
    }
}
