// Android library module for the inscene SDK. Build: scripts/build-android.sh first
// (Rust libraries for every ABI + generated Kotlin), then `gradle :inscene:assembleRelease`.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "inscene-android"
include(":inscene")
