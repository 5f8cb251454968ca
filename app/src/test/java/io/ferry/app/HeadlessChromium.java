package io.ferry.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loads a page in headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs) and returns
 * the DOM after its scripts ran for a few seconds: what a person would see.
 */
final class HeadlessChromium {

    private HeadlessChromium() {
    }

    static String dom(String url, int scriptMillis) throws IOException, InterruptedException {
        String binary = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Chromium: install Debian's chromium package (.ci/run does)"));
        Path profile = Files.createTempDirectory("ferry-chromium");
        Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--virtual-time-budget=" + scriptMillis, "--dump-dom", url)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish loading " + url);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
