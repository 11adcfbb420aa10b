package org.rome4j.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.rome4j.magics.Magic;
import org.rome4j.magics.Magics;
import org.rome4j.magics.Session;
import org.rome4j.magics.display.Display;
import org.rome4j.magics.display.Displayable;
import org.rome4j.magics.display.MimeBundle;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

/**
 * rome4j in any jjava kernel (ours, or JJava after {@code %jars rome4j.jar}): registers the magics,
 * renders results, tables and figures as MIME bundles, and shows progress as an updating display.
 * Found through {@code META-INF/services/org.dflib.jjava.jupyter.Extension}. The only adapter
 * between {@code org.rome4j.magics} and the jjava API.
 */
public final class RomeExtension implements Extension {
    /** The magics every kernel gets. */
    static final Magics MAGICS = Magics.standard();
    private static final String[] MIMES = {MimeBundle.PLOTLY, MimeBundle.HTML, MimeBundle.PNG, MimeBundle.TEXT};

    @Override
    public void install(BaseKernel kernel) {
        Session session = Session.global();
        MagicsRegistry registry = kernel.getMagicsRegistry();
        for (Magic<?> m : MAGICS.all()) {
            if (m.isCell()) {
                registry.registerCellMagic(m.spec().name(), (k, args, body) -> m.call(session, args, body));
            } else {
                registry.registerLineMagic(m.spec().name(), (k, args) -> m.call(session, args, null));
            }
        }
        Renderer r = kernel.getRenderer();
        r.createRegistration(Displayable.class).supporting(MIMES).register((v, ctx) -> fill(kernel, session, v, ctx));
        r.createRegistration(Table.class).supporting(MIMES).register((v, ctx) -> fill(kernel, session, v, ctx));
        r.createRegistration(org.rome4j.display.Figure.class).supporting(MIMES).register((v, ctx) -> fill(kernel, session, v, ctx));
        r.createRegistration(tech.tablesaw.plotly.components.Figure.class).supporting(MIMES)
                .register((v, ctx) -> fill(kernel, session, v, ctx));
        r.createRegistration(JsonNode.class).supporting(MIMES).register((v, ctx) -> fill(kernel, session, v, ctx));
        session.setProgressSink(new DisplayProgress(kernel));
        Display.setSink(v -> show(kernel, session, v));
    }

    @Override
    public void uninstall(BaseKernel kernel) {
        Session.global().setProgressSink(null);
        Display.setSink(null);
    }

    /** Shows every bundle but the last as its own display; the last fills the result. */
    private static void fill(BaseKernel kernel, Session session, Object value, RenderContext ctx) {
        List<MimeBundle> bundles = session.bundles().render(value);
        if (bundles == null || bundles.isEmpty()) {
            ctx.getOutputContainer().putText(value instanceof JsonNode n ? n.toPrettyString() : String.valueOf(value));
            return;
        }
        for (int i = 0; i < bundles.size() - 1; i++) {
            kernel.display(toDisplayData(bundles.get(i)));
        }
        put(ctx.getOutputContainer(), bundles.get(bundles.size() - 1));
    }

    /** {@code display(value)} in a cell: every bundle of the value as its own display, or its text. */
    private static void show(BaseKernel kernel, Session session, Object value) {
        List<MimeBundle> bundles = session.bundles().render(value);
        if (bundles == null || bundles.isEmpty()) {
            bundles = List.of(MimeBundle.text(String.valueOf(value)));
        }
        for (MimeBundle b : bundles) {
            kernel.display(toDisplayData(b));
        }
    }

    /** A bundle as jjava display data. */
    static DisplayData toDisplayData(MimeBundle b) {
        DisplayData d = new DisplayData();
        put(d, b);
        return d;
    }

    private static void put(DisplayData d, MimeBundle b) {
        for (Map.Entry<String, Object> e : b.data().entrySet()) {
            d.putData(e.getKey(), e.getValue());
        }
    }
}
