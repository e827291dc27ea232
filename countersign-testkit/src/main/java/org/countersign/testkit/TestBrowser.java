package org.countersign.testkit;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Headless Debian Chromium driven by Playwright for Java, which never downloads a browser of its own.
 *
 * <p>Two ways to get one. {@code @ExtendWith(TestBrowser.class)} and a {@link Browser} parameter (in a test, a
 * {@code @BeforeAll} or a constructor) give the browser shared by every test class of the run: started once,
 * closed by JUnit when the run ends; tests isolate themselves with a new context each. {@link #launch(List)} starts
 * a browser of the caller's own, for extra switches such as a fake camera; the caller closes it.
 *
 * <p>The executable is {@code CHROMIUM} if set, else {@code chromium} or {@code chromium-browser} on the PATH; a
 * missing one fails the test under CI and skips it elsewhere ({@link TestTools#require}). A module using this
 * class declares {@code com.microsoft.playwright:playwright} itself (it is optional here).
 */
public final class TestBrowser implements AutoCloseable, ParameterResolver {
    /**
     * Running as root in a container (no sandbox), with no GPU, and quiet on a closed network: without the
     * background-networking switches Chromium keeps opening connections the machine refuses.
     */
    public static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestBrowser.class);

    private final Playwright playwright;
    private final Browser browser;

    /** For JUnit's {@code @ExtendWith}; the extension itself holds no browser. */
    public TestBrowser() {
        this.playwright = null;
        this.browser = null;
    }

    private TestBrowser(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** The Chromium executable, or the test fails (CI) or is skipped (elsewhere). */
    public static Path chromium() {
        return TestTools.program("CHROMIUM", "chromium", "chromium-browser");
    }

    /** A browser of the caller's own with {@link #FLAGS} and {@code extraFlags}. */
    public static TestBrowser launch(List<String> extraFlags) {
        Path executable = chromium();
        List<String> flags = new ArrayList<>(FLAGS);
        flags.addAll(extraFlags);
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(executable).setHeadless(true).setArgs(flags));
            return new TestBrowser(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /**
     * Adds a virtual platform authenticator (CTAP2, internal transport, resident keys, user verification that
     * succeeds) to the page behind {@code cdp}, for WebAuthn ceremonies without a person; the caller has sent
     * {@code WebAuthn.enable}. Returns the authenticator's id.
     */
    public static String addPlatformAuthenticator(CDPSession cdp) {
        JsonObject options = new JsonObject();
        options.addProperty("protocol", "ctap2");
        options.addProperty("transport", "internal");
        options.addProperty("hasResidentKey", true);
        options.addProperty("hasUserVerification", true);
        options.addProperty("isUserVerified", true);
        JsonObject params = new JsonObject();
        params.add("options", options);
        return cdp.send("WebAuthn.addVirtualAuthenticator", params).get("authenticatorId").getAsString();
    }

    public Browser browser() {
        return browser;
    }

    public Playwright playwright() {
        return playwright;
    }

    @Override
    public void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Browser.class;
    }

    @Override
    public Browser resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store lives for the whole run and closes the AutoCloseable values it holds when the run ends.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestBrowser.class, k -> launch(List.of()), TestBrowser.class)
                .browser();
    }
}
