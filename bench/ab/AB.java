import java.net.URI;
import java.net.http.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Interleaved A/B of order-service's CPU per request (issue 19): several jars run side by side
 * (bench/ab/start.sh), and this drives one at a time, alternating, so that a shared machine's changing
 * load falls on all of them alike. Each round gives every service a closed-loop slice of creates
 * (one item, 200 skus), then a slice paying those orders, and reads that service's CPU time from
 * /proc/<pid>/stat around each slice. The first three rounds are warm-up (the JIT) and not counted;
 * the medians of the rest are printed.
 *
 * <pre>java bench/ab/AB.java rounds seconds concurrency name=http://127.0.0.1:port@pid ...</pre>
 *
 * <p>With {@code AB_RATE=<orders/s>} each slice is open loop instead, as the bench's steady scenario:
 * orders sent at that rate whatever the answers, every third paid as soon as it is placed, and the CPU
 * per request counted over creates and payments together (the pay column then reads 0). Fixed costs per
 * interval (the outbox relay's runs, scheduled tasks) show here, where closed loop at 32 clients hides them.
 */
public class AB {
    static final String TOKEN = "ab-token", SECRET = "ab-secret";
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();

    public static void main(String[] a) throws Exception {
        int rounds = Integer.parseInt(a[0]), seconds = Integer.parseInt(a[1]), conc = Integer.parseInt(a[2]);
        List<String[]> svcs = new ArrayList<>();
        for (int i = 3; i < a.length; i++) { String[] kv = a[i].split("=", 2); String[] up = kv[1].split("@"); svcs.add(new String[]{kv[0], up[0], up[1]}); }
        for (String[] svc : svcs) for (int i = 0; i < 200; i++) send(svc[1], "PUT", "/api/products/ab-" + i, "{\"name\":\"n\",\"priceCents\":100,\"stock\":100000000}", null);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            List<String[]> order = new ArrayList<>(svcs);
            if (r % 2 == 1) Collections.reverse(order);
            for (String[] s : order) {
                if (RATE > 0) {
                    double[] m = openSlice(s, seconds, "r" + r + "-" + s[0]);
                    double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                    System.out.printf("round %d %s: open loop %.0f req/s %.3f ms per request (%d err) | load %.1f%n", r, s[0], m[0], m[1], (int) m[2], load);
                    if (r > 2) results.computeIfAbsent(s[0], k -> new ArrayList<>()).add(new double[]{m[1], 0, m[0], 0, load});
                    continue;
                }
                Queue<String> ids = new ConcurrentLinkedQueue<>();
                final int rr = r;
                double[] c = slice(s, seconds, conc, n -> create(s[1], "r" + rr + "-" + n + "-" + s[0]), 201, ids);
                double[] p = slice(s, seconds, conc, n -> { String id = ids.poll(); return id == null ? null : pay(s[1], id); }, 200, null);
                double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                System.out.printf("round %d %s: create %.0f/s %.3f ms (%d err) | pay %.0f/s %.3f ms (%d err) | load %.1f%n", r, s[0], c[0], c[1], (int) c[2], p[0], p[1], (int) p[2], load);
                if (r > 2) results.computeIfAbsent(s[0], k -> new ArrayList<>()).add(new double[]{c[1], p[1], c[0], p[0], load});
            }
        }
        for (var e : results.entrySet()) {
            double[] cm = e.getValue().stream().mapToDouble(x -> x[0]).sorted().toArray();
            double[] pm = e.getValue().stream().mapToDouble(x -> x[1]).sorted().toArray();
            System.out.printf("%s: create ms median %.3f (min %.3f max %.3f), pay ms median %.3f (min %.3f max %.3f), n=%d%n", e.getKey(), cm[cm.length / 2], cm[0], cm[cm.length - 1], pm[pm.length / 2], pm[0], pm[pm.length - 1], cm.length);
        }
        System.exit(0);
    }

    static final int RATE = Integer.parseInt(System.getenv().getOrDefault("AB_RATE", "0"));

    /** Open loop at RATE orders/s for {@code seconds}, every third paid once placed: {requests/s, CPU ms per request, errors}. */
    static double[] openSlice(String[] s, int seconds, String prefix) throws Exception {
        long pid = Long.parseLong(s[2]);
        AtomicInteger ok = new AtomicInteger(), err = new AtomicInteger();
        Semaphore inFlight = new Semaphore(512);
        int total = RATE * seconds;
        double cpu0 = cpu(pid); long t0 = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long wait = t0 + (long) (i * 1e9 / RATE) - System.nanoTime();
            if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
            inFlight.acquire();
            boolean pay = i % 3 == 0;
            HTTP.sendAsync(create(s[1], prefix + "-" + i), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 201) { err.incrementAndGet(); inFlight.release(); return; }
                ok.incrementAndGet();
                String l = r.headers().firstValue("Location").orElse("");
                if (!pay || l.isEmpty()) { inFlight.release(); return; }
                HTTP.sendAsync(pay(s[1], l.substring(l.lastIndexOf('/') + 1)), HttpResponse.BodyHandlers.ofString()).whenComplete((p, pe) -> {
                    if (pe == null && p.statusCode() == 200) ok.incrementAndGet(); else err.incrementAndGet();
                    inFlight.release();
                });
            });
        }
        inFlight.acquire(512);
        double wall = (System.nanoTime() - t0) / 1e9, used = cpu(pid) - cpu0;
        return new double[]{ok.get() / wall, used * 1000 / Math.max(1, ok.get()), err.get()};
    }

    interface Req { HttpRequest make(int n); }

    static double[] slice(String[] s, int seconds, int conc, Req req, int expected, Queue<String> ids) throws Exception {
        long pid = Long.parseLong(s[2]);
        AtomicInteger seq = new AtomicInteger(), ok = new AtomicInteger(), err = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(conc);
        double cpu0 = cpu(pid); long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < conc; t++) fs.add(pool.submit(() -> {
            while (System.nanoTime() < end) {
                HttpRequest r = req.make(seq.getAndIncrement());
                if (r == null) break;
                try {
                    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() == expected) { ok.incrementAndGet(); if (ids != null) resp.headers().firstValue("Location").ifPresent(l -> ids.add(l.substring(l.lastIndexOf('/') + 1))); }
                    else err.incrementAndGet();
                } catch (Exception e) { err.incrementAndGet(); }
            }
            return null;
        }));
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        double wall = (System.nanoTime() - t0) / 1e9, used = cpu(pid) - cpu0;
        return new double[]{ok.get() / wall, used * 1000 / Math.max(1, ok.get()), err.get()};
    }

    static double cpu(long pid) throws Exception {
        String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static HttpRequest create(String base, String customer) {
        int sku = Math.floorMod(customer.hashCode(), 200);
        return HttpRequest.newBuilder(URI.create(base + "/api/orders")).header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":\"" + customer + "\",\"items\":[{\"sku\":\"ab-" + sku + "\",\"quantity\":1}]}")).build();
    }

    static HttpRequest pay(String base, String id) {
        String body = "{\"paymentId\":\"pay-" + id + "\"}";
        long t = System.currentTimeMillis() / 1000;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            return HttpRequest.newBuilder(URI.create(base + "/api/orders/" + id + "/payment")).header("Content-Type", "application/json")
                    .header("Payment-Signature", "t=" + t + ",v1=" + sig).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (Exception e) { throw new IllegalStateException(e); }
    }

    static void send(String base, String method, String path, String body, String sig) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(path + " " + r.statusCode() + " " + r.body());
    }
}
