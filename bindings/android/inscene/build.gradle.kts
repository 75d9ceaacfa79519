// The AAR: generated Kotlin bindings (src/main/kotlin/dev/inscene, written by
// scripts/build-android.sh) plus libinscene_ffi.so for each ABI (src/main/jniLibs).
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
    `maven-publish`
}

android {
    namespace = "dev.inscene"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    buildTypes {
        release { isMinifyEnabled = false }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    sourceSets["main"].jniLibs.srcDirs("src/main/jniLibs")
    publishing { singleVariant("release") { withSourcesJar() } }
}

dependencies {
    // UniFFI's Kotlin bindings load the library through JNA; the @aar variant carries JNA's own .so files.
    implementation("net.java.dev.jna:jna:5.14.0@aar")
}

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "dev.inscene"
            artifactId = "inscene-android"
            version = "0.1.0"
            afterEvaluate { from(components["release"]) }
        }
    }
}
