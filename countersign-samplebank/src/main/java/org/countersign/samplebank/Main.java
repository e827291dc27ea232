package org.countersign.samplebank;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the sample bank without the {@code countersign} executable:
 * {@code java -cp … org.countersign.samplebank.Main --verifier URL --ca PEM (--api-key KEY | --admin-key KEY) [--port 8080]}.
 * The same options as {@code countersign sample-bank}; the API key may also come from {@code SAMPLEBANK_API_KEY}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("unexpected argument " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        if (!opts.containsKey("verifier") || !opts.containsKey("ca")) {
            usage("--verifier and --ca are required");
        }
        String apiKey = opts.getOrDefault("api-key", System.getenv("SAMPLEBANK_API_KEY"));
        SampleBank bank = launch(URI.create(opts.get("verifier")), Path.of(opts.get("ca")), apiKey, opts.get("admin-key"),
                Integer.parseInt(opts.getOrDefault("port", "8080")));
        Runtime.getRuntime().addShutdownHook(new Thread(bank::close));
        System.out.println("Sample Bank is serving http://localhost:" + bank.port() + "/");
        Thread.currentThread().join();
    }

    /**
     * Connects to the verifier and starts the bank. With only an admin key, the bank creates its tenant
     * {@code samplebank} (or a new key for it, on a later start) and uses that key.
     */
    public static SampleBank launch(URI verifier, Path caPem, String apiKey, String adminKey, int port) throws Exception {
        HttpClient http = VerifierClient.httpClientTrusting(caPem);
        String key = apiKey;
        if (key == null || key.isBlank()) {
            if (adminKey == null || adminKey.isBlank()) {
                throw new IllegalArgumentException("give --api-key, or --admin-key to create the samplebank tenant");
            }
            key = VerifierClient.bootstrapTenant(verifier, http, adminKey, "samplebank", "Sample Bank",
                    "http://localhost:" + (port == 0 ? 8080 : port));
        }
        return SampleBank.start(new VerifierClient(verifier, key, http), SampleBank.Settings.local(port), Clock.systemUTC());
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Main --verifier URL --ca PEM (--api-key KEY | --admin-key KEY) [--port 8080]");
        System.exit(2);
    }
}
