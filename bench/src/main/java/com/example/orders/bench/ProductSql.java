package com.example.orders.bench;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * order-service's own SQL, read from the jar the bench starts: the {@code String} constants of its
 * repositories ({@code OrderRepository.INSERT}, ...) as javac wrote them into the class files. The
 * create ceiling runs exactly these texts, so it cannot drift from the product's statements; a
 * constant that was renamed or removed stops the run instead of being measured in an old form.
 * (expiry-worker's statements are shared as code instead, the expiry-jdbc module: order-service's live
 * in its repositories, run through Spring's {@code JdbcClient} with named parameters.)
 */
final class ProductSql {

    private static final Pattern NAMED = Pattern.compile("(?<!:):([A-Za-z][A-Za-z0-9_]*)");

    private final Path jar;
    private final Map<String, Map<String, String>> classes = new ConcurrentHashMap<>();

    ProductSql(Path jar) {
        this.jar = jar;
    }

    /** The text of constant {@code field} of class {@code className} (binary name) in the jar. */
    String constant(String className, String field) {
        String value = classes.computeIfAbsent(className, this::stringConstants).get(field);
        if (value == null) {
            throw new IllegalStateException("no String constant " + className + "." + field + " in " + jar);
        }
        return value;
    }

    /** A named-parameter statement ({@code :name}, as JdbcClient takes it) with {@code ?} in place of each name. */
    record Positional(String sql, List<String> names) {}

    static Positional positional(String named) {
        List<String> names = new ArrayList<>();
        Matcher m = NAMED.matcher(named);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            names.add(m.group(1));
            m.appendReplacement(sql, "?");
        }
        m.appendTail(sql);
        return new Positional(sql.toString(), List.copyOf(names));
    }

    private Map<String, String> stringConstants(String className) {
        String entry = "BOOT-INF/classes/" + className.replace('.', '/') + ".class";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var e = zip.getEntry(entry);
            if (e == null) {
                throw new IllegalStateException("no " + entry + " in " + jar);
            }
            try (var in = zip.getInputStream(e)) {
                return stringConstants(in.readAllBytes());
            }
        } catch (IOException ex) {
            throw new IllegalStateException("cannot read " + jar, ex);
        }
    }

    /** Every static field of the class file with a {@code ConstantValue} that is a String: name to value. */
    static Map<String, String> stringConstants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] stringRef = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF(); // modified UTF-8 with a length prefix, as DataInput reads it
                case 8 -> stringRef[i] = in.readUnsignedShort();
                case 7, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two entries
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.skipNBytes(6); // access flags, this class, super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        Map<String, String> constants = new HashMap<>();
        int fields = in.readUnsignedShort();
        for (int f = 0; f < fields; f++) {
            boolean isStatic = (in.readUnsignedShort() & 0x0008) != 0; // ACC_STATIC
            String name = utf8[in.readUnsignedShort()];
            in.readUnsignedShort(); // descriptor
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("ConstantValue".equals(attribute)) {
                    int index = in.readUnsignedShort();
                    if (isStatic && stringRef[index] != 0) {
                        constants.put(name, utf8[stringRef[index]]);
                    }
                } else {
                    in.skipNBytes(length);
                }
            }
        }
        return constants;
    }
}
