using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// docs/matrix.md: what the exhaustive matrix is, which run observed each OS's export (or that an OS has none, and its
/// numbers are the model's prediction), outcome counts per protocol pair, the drawings beside their TSV, and the
/// comparisons between OSes and between layers.
/// </summary>
internal static class MatrixPage
{
    public const string FileName = "matrix.md";

    public static string Render(MergedResults results, MatrixResults matrix)
    {
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "The exhaustive pairwise matrix")
            .Paragraph($"{Markdown.Link("← all topics", IndexPage.FileName)} · {Markdown.Link("the rules behind it, and how well they predict it", RulesPage.FileName)}")
            .Paragraph("> May socket B bind the port socket A holds, for every combination of protocol, address, options and state?")
            .Paragraph(
                "The claims tell the story one case at a time; the matrix answers every combination. Socket A binds port 0 on its "
                + "address (and listens when its state is `listening`); socket B then binds A's port on its address (and listens "
                + "when its state says so). One row per cell, one file per run and layer (`<run>-<layer>.tsv`: every kernel or machine a run of its own), committed under "
                + $"{Markdown.Link("results/matrix/", MatrixLabels.ResultsReadme)} as TSV and drawn as one picture per protocol pair. "
                + "A number or a cell is **observed** only where an export of that OS holds it; an OS without an export shows "
                + $"the model's prediction, marked {MatrixLabels.Expected}, never an observation.");

        RenderDimensions(page);
        RenderHowACellRuns(page);
        RenderFormat(page);
        RenderExports(page, results, matrix);
        RenderCounts(page, matrix);
        RenderRunDifferences(page, matrix);
        RenderAttested(page, results, matrix);
        RenderDrawings(page, matrix);
        ComparisonSection.Render(page, matrix);
        return page.ToString();
    }

    private static void RenderDimensions(Markdown page)
    {
        page.Heading(2, "Dimensions")
            .Line($"- **Protocols**, socket A's then socket B's: {string.Join(", ", MatrixLayout.ProtocolPairs.Select(MatrixLabels.Pair))}.")
            .Line($"- **Addresses** ({MatrixAddress.All.Count}): {string.Join("; ", MatrixAddress.All.Select(Address))}. "
                + "Cells with an address the machine cannot bind are skipped, never counted.")
            .Line("- **Options** per socket, as the table says per OS and layer. Natively an IPv6 socket comes without and with "
                + "`V6ONLY` (without it, IPV6_V6ONLY is set to 0 explicitly, whatever the OS default); in .NET without and with "
                + "`DualMode` (without it, .NET's default: DualMode off).")
            .Line("- **State**: `bound`, or `listening` (TCP only): A listens before B binds; B binds, then listens.")
            .Line()
            .Table(
                ["OS", "Layer", "Options per socket", "TCP configurations", "UDP configurations", "Cells"],
                MergedResults.AllOs.SelectMany(os => MatrixResults.Layers.Select(layer => MatrixLayout.For(os, layer)))
                    .Select(layout => (IReadOnlyList<string>)
                    [
                        Labels.OsName(layout.Os),
                        MatrixLabels.LayerWord(layout.Layer),
                        string.Join(", ", layout.OptionSets.Select(o => o == 0 ? "none" : Markdown.Code(MatrixWords.Options(layout.Layer, o)))),
                        MatrixLabels.Number(layout.TcpConfigs.Count),
                        MatrixLabels.Number(layout.UdpConfigs.Count),
                        MatrixLabels.Number(layout.Cells.Count),
                    ]))
            .Paragraph("A configuration is one socket's address, options and state; a cell is a configuration of A and one of B, "
                + "for each protocol pair: TCP×TCP + TCP×UDP + UDP×TCP + UDP×UDP.");
    }

    private static string Address(MatrixAddress address)
    {
        var what = address.Text switch
        {
            "0.0.0.0" => "the IPv4 wildcard",
            "127.0.0.1" => "IPv4 loopback",
            "127.0.0.2" => "a second IPv4 loopback address",
            "[::]" => "the IPv6 wildcard, dual-stack unless V6ONLY",
            "[::1]" => "IPv6 loopback",
            "[::ffff:0.0.0.0]" => "the IPv4 wildcard written v4-mapped",
            "[::ffff:127.0.0.1]" => "IPv4 loopback written v4-mapped",
            _ => "",
        };
        var needs = address.Needs switch
        {
            null => "",
            MatrixCapabilities.IPv6 => ", needs IPv6",
            var capability => $", needs {capability} to be bindable",
        };
        return $"{Markdown.Code(address.Text)} ({what}{needs})";
    }

    private static void RenderHowACellRuns(Markdown page)
    {
        page.Heading(2, "How a cell runs")
            .Line("- Socket A opens, sets its options, binds port 0 on its address and listens if its state says so; socket B "
                + "opens, sets its options, binds A's port on its address and listens if its state says so. Both close before the "
                + "next cell, so a binding lasts only as long as its cell.")
            .Line("- **Native layer**: the OS calls with nothing added: on Linux and macOS `socket`, `setsockopt` for each option "
                + "in the TSV's order (an IPv6 socket always gets IPV6_V6ONLY, 1 or 0), `bind` and `listen` through P/Invoke to "
                + "libc; on Windows the managed calls with raw options, since .NET adds nothing there.")
            .Line("- **Managed layer**: the C# a user writes: `new Socket(...)`, "
                + "`SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true)`, `ExclusiveAddressUse = true`, "
                + "`DualMode = true`, `Bind`, `Listen()`, with whatever .NET sets behind them.")
            .Line("- **Ports**: B takes A's port, which another process may hold in B's protocol. A cell the model predicts to "
                + "succeed that is refused as in use (or access denied) runs again with a fresh port, at most "
                + $"{Ports.Attempts} times in all; a cell predicted to fail is never retried.")
            .Line("- **Capabilities**: 127.0.0.2 and IPv6 are probed before the run; the cells that need what is missing are "
                + "skipped and left out of the TSV, which lists observations only.")
            .Line();
    }

    private static void RenderFormat(Markdown page)
    {
        page.Heading(2, "The TSV")
            .Paragraph("UTF-8, LF, tab-separated, one cell per row, under exactly this header:")
            .CodeBlock("", MatrixTsv.Header)
            .Line("- `layer`: `native` or `managed`; `proto_*`: `tcp` or `udp`; `addr_*`: one of the seven addresses above; "
                + "`state_*`: `bound` or `listening`.")
            .Line("- `opts_*`: `-`, or `+`-joined in a fixed order: natively `REUSEADDR`, `REUSEPORT`, `EXCLUSIVEADDRUSE`, "
                + "`V6ONLY`; in .NET `ReuseAddress`, `ExclusiveAddressUse`, `DualMode`.")
            .Line("- `outcome`: `ok`; `STEP:SocketError` when B is refused (`bind:AddressAlreadyInUse`, "
                + "`listen:AddressAlreadyInUse`); `first:STEP:SocketError` when socket A itself is refused "
                + "(`first:bind:InvalidArgument`: a v4-mapped address on a V6ONLY socket).")
            .Line("- Rows come in one fixed order on every OS (protocol pair, then A's configuration, then B's), so two OSes' "
                + "exports compare with `diff`.")
            .Line()
            .Paragraph($"The format in full: {Markdown.Link("results/matrix/README.md", MatrixLabels.ResultsReadme)}. "
                + $"The probe ({Markdown.Link("tools/BindingBehaviour.Probe/README.md", MatrixLabels.ProbeReadme)}) runs the matrix "
                + "on the OS it runs on and writes the TSV, the four drawings and an environment file; then these pages are "
                + "rendered again from them:")
            .CodeBlock("sh", string.Join("\n", MatrixResults.Layers.Select(MatrixLabels.ExportCommand).Append(MatrixLabels.DocsCommand)));
    }

    private static void RenderExports(Markdown page, MergedResults results, MatrixResults matrix)
    {
        page.Heading(2, "Exports");
        if (matrix.Exports.Count == 0)
        {
            var why = matrix.FolderExists ? "`results/matrix/` holds no export" : "the results hold no `matrix/` folder";
            page.Paragraph($"No matrix has been recorded: {why}. Every number on this page is the "
                + $"model's prediction ({MatrixLabels.Expected}), and nothing is drawn.");
        }

        var rows = new List<IReadOnlyList<string>>();
        foreach (var os in MergedResults.AllOs)
        {
            foreach (var layer in MatrixResults.Layers)
            {
                var exports = matrix.Of(os, layer);
                rows.AddRange(exports.Select(export => (IReadOnlyList<string>)
                [
                    Labels.OsName(os),
                    MatrixLabels.LayerWord(layer),
                    "observed",
                    MatrixLabels.Machine(export, results),
                    $"{MatrixLabels.Number(export.Rows.Count)} of {MatrixLabels.Number(export.Layout.Cells.Count)} ran"
                        + (export.NotRun > 0 ? $"; {MatrixLabels.Number(export.NotRun)} skipped (missing capability)" : ""),
                    MatrixLabels.TsvLink(export),
                ]));
                if (exports.Count == 0)
                {
                    rows.Add(
                    [
                        Labels.OsName(os),
                        MatrixLabels.LayerWord(layer),
                        $"{MatrixLabels.Expected} expected only: no export, so its numbers are predicted by the model",
                        "not observed",
                        $"{MatrixLabels.Expected} {MatrixLabels.Number(MatrixLayout.For(os, layer).Cells.Count)} predicted",
                        $"no `{MatrixLabels.TsvFile(os, layer)}`",
                    ]);
                }
            }
        }

        page.Table(["OS", "Layer", "Status", "Observed by", "Cells", "Data"], rows);
    }

    private static void RenderCounts(Markdown page, MatrixResults matrix)
    {
        page.Heading(2, "Outcomes per protocol pair")
            .Paragraph("How many cells of each protocol pair end in each outcome: `ok`, or refused at a step with an error. An "
                + "observed count covers the cells that machine ran; a count marked "
                + $"{MatrixLabels.Expected} is the model's prediction for every cell of that OS's layout, not an observation.");

        foreach (var layer in MatrixResults.Layers)
        {
            var columns = MergedResults.AllOs.SelectMany(os => matrix.Of(os, layer) is { Count: > 0 } exports
                ? exports.Select(export => (Name: $"{Labels.OsName(os)} {Markdown.Code(export.RunName)} (observed)", Predicted: false, Counts: MatrixFacts.CountByPair(export.Observed())))
                : [(Name: $"{Labels.OsName(os)} ({MatrixLabels.Expected} predicted)", Predicted: true, Counts: MatrixFacts.CountByPair(MatrixFacts.Predicted(MatrixLayout.For(os, layer))))]).ToList();

            var rows = new List<IReadOnlyList<string>>();
            foreach (var pair in MatrixLayout.ProtocolPairs)
            {
                var outcomes = MatrixFacts.Ordered(columns.SelectMany(c => c.Counts.GetValueOrDefault(pair)?.Keys ?? []));
                foreach (var outcome in outcomes)
                {
                    rows.Add([MatrixLabels.Pair(pair), Markdown.Code(outcome), .. columns.Select(c =>
                        MatrixLabels.Count(c.Counts.GetValueOrDefault(pair)?.GetValueOrDefault(outcome) ?? 0, c.Predicted))]);
                }

                rows.Add([MatrixLabels.Pair(pair), "all cells", .. columns.Select(c =>
                    MatrixLabels.Count(c.Counts.GetValueOrDefault(pair)?.Values.Sum() ?? 0, c.Predicted))]);
            }

            page.Heading(3, MatrixLabels.LayerHeading(layer))
                .Table(
                    ["Pair", "Outcome", .. columns.Select(c => c.Name)],
                    rows);
        }
    }

    private static void RenderDrawings(Markdown page, MatrixResults matrix)
    {
        page.Heading(2, "Drawings")
            .Paragraph("One picture per protocol pair: rows are socket A's configurations, columns socket B's, grouped by address; "
                + "each cell is coloured by its outcome, and the legend counts each outcome. The probe draws them from the TSV "
                + "(`MatrixSvg`, deterministic), and the generator refuses a drawing that is not exactly what its TSV draws. "
                + "Abbreviations: RA = REUSEADDR or ReuseAddress, RP = REUSEPORT, EX = EXCLUSIVEADDRUSE or ExclusiveAddressUse, "
                + "v6 = V6ONLY, DM = DualMode, L = listening.");

        foreach (var layer in MatrixResults.Layers)
        {
            page.Heading(3, MatrixLabels.LayerHeading(layer));
            var exports = matrix.OfLayer(layer).Where(e => e.Drawn).ToList();
            var without = MergedResults.AllOs.Where(os => matrix.Of(os, layer).Count == 0).Select(Labels.OsName).ToList();
            var undrawn = matrix.OfLayer(layer).Where(e => !e.Drawn).Select(e => Markdown.Code(e.RunName)).ToList();
            if (undrawn.Count > 0)
            {
                page.Paragraph($"Exported without drawings (the TSV is the observation; drawings are optional): {string.Join(", ", undrawn)}.");
            }

            if (exports.Count == 0)
            {
                page.Paragraph($"No OS has a {MatrixLabels.LayerWord(layer)} export yet, so there is nothing to draw: a drawing "
                    + "shows observations only.");
                continue;
            }

            if (without.Count > 0)
            {
                page.Paragraph($"Not drawn: {string.Join(", ", without)} (no {MatrixLabels.LayerWord(layer)} export; the counts "
                    + $"above are the model's prediction, {MatrixLabels.Expected}).");
            }

            foreach (var (a, b) in MatrixLayout.ProtocolPairs)
            {
                page.Heading(4, MatrixLabels.Pair((a, b)));
                foreach (var export in exports)
                {
                    var cells = export.Cells.Count(c => c.A.Transport == a && c.B.Transport == b);
                    page.Paragraph($"**{Labels.OsName(export.Os)}**, run {Markdown.Code(export.RunName)}, observed: {MatrixLabels.Number(cells)} cells, the rows of "
                        + $"{MatrixLabels.TsvLink(export)} with `proto_a` {MatrixWords.Proto(a)} and `proto_b` {MatrixWords.Proto(b)}.")
                        .Paragraph(Markdown.Image(
                            $"{Labels.OsName(export.Os)} ({export.RunName}), {MatrixLabels.LayerWord(layer)} layer: {MatrixWords.Proto(a)} socket A, then {MatrixWords.Proto(b)} socket B on A's port",
                            MatrixLabels.ResultsLink + MatrixSvg.FileName(export.RunName, export.Layer, a, b)));
                }
            }
        }
    }

    private static void RenderRunDifferences(Markdown page, MatrixResults matrix)
    {
        page.Heading(2, "Where runs of one OS differ")
            .Paragraph("Runs of one OS on different kernels, settings or machines, compared cell by cell: every cell two of them hold "
                + "and answer differently.");
        var any = false;
        foreach (var os in MergedResults.AllOs)
        {
            foreach (var layer in MatrixResults.Layers)
            {
                if (matrix.CompareRuns(os, layer) is not { } comparison)
                {
                    continue;
                }

                any = true;
                var names = matrix.Of(os, layer).Select(e => Markdown.Code(e.RunName)).ToList();
                page.Heading(3, $"{Labels.OsName(os)}, {MatrixLabels.LayerWord(layer)} layer");
                page.Paragraph($"Runs: {string.Join(", ", names)}. {MatrixLabels.Number(comparison.SharedCells)} cells are in at least two of them, and "
                    + $"{MatrixLabels.Counted(comparison.Differences.Count, "of them differs", "of them differ")}.");
                if (comparison.Differences.Count > 0)
                {
                    page.Paragraph(comparison.Differences.Count <= ComparisonSection.FirstCells
                            ? "Every differing cell:"
                            : $"The first {ComparisonSection.FirstCells} of the {MatrixLabels.Number(comparison.Differences.Count)} differing cells (`diff` lists them all):")
                        .Table(
                            ["Socket A", "Socket B", .. names],
                            comparison.Differences.Take(ComparisonSection.FirstCells).Select(d => (IReadOnlyList<string>)
                            [
                                MatrixLabels.Config(layer, d.Cell.A),
                                MatrixLabels.Config(layer, d.Cell.B),
                                .. d.Outcomes.Select(MatrixLabels.Outcome),
                            ]));
                }
            }
        }

        if (!any)
        {
            page.Paragraph("No OS has two runs with an export of the same layer yet, so there is nothing to compare.");
        }
    }

    /// <summary>The matrix cells public tests assert (results/attestations.json), per OS: attested, never shown as observed.</summary>
    private static void RenderAttested(Markdown page, MergedResults results, MatrixResults matrix)
    {
        var cells = results.Attestations
            .SelectMany(a => (a.Cells ?? []).Select(cell => (Attestation: a, Cell: cell)))
            .OrderBy(x => Evidence.Attestation.OsNames.ToList().IndexOf(x.Attestation.Os))
            .ThenBy(x => x.Cell, StringComparer.Ordinal)
            .ThenBy(x => x.Attestation.Id, StringComparer.Ordinal)
            .ToList();
        page.Heading(2, "Attested cells")
            .Paragraph("Cells a public test that runs on an OS asserts (`results/attestations.json`): evidence between observed and "
                + "expected, linked to the test at its commit. Beside each, what the runs of that OS observed, where one did.");
        if (cells.Count == 0)
        {
            page.Paragraph("No attestation names a matrix cell yet.");
            return;
        }

        page.Table(
            ["OS", "Cell", "Asserts", "Attested by", "Observed"],
            cells.Select(x => (IReadOnlyList<string>)
            [
                Labels.AttestationOs(x.Attestation.Os),
                Markdown.Code(x.Cell),
                Markdown.Code(x.Attestation.Asserts),
                Labels.AttestationLink(x.Attestation),
                ObservedCell(matrix, x.Attestation.Os, x.Cell),
            ]));
    }

    /// <summary>What the exports of an OS hold for a cell given as its nine key fields, run by run; FreeBSD has no runs.</summary>
    private static string ObservedCell(MatrixResults matrix, string os, string cell)
    {
        if (!HostOs.TryParse(os, out var known))
        {
            return "no runs on this OS";
        }

        var key = cell.Replace(' ', '\t');
        var seen = MatrixResults.Layers.SelectMany(layer => matrix.Of(known, layer))
            .Select(e => (e.RunName, Row: e.Rows.FirstOrDefault(r => r.Key == key)))
            .Where(x => x.Row is not null)
            .Select(x => $"{Markdown.Code(x.RunName)}: {Markdown.Code(x.Row!.Outcome)}")
            .ToList();
        return seen.Count == 0 ? "not observed" : string.Join("; ", seen);
    }
}
