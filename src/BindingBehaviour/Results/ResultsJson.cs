using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

/// <summary>A results file that cannot be used, with one message that names the file and what is wrong.</summary>
public sealed class ResultsFormatException(string message) : Exception(message);

/// <summary>
/// Reads the catalog and run files strictly and writes them deterministically. A run file of any version this build
/// knows (1: one per OS with a copy of the claims; 2: one per run) reads as a <see cref="RunFile"/>; anything else (another
/// schema, an unknown version, a malformed file) is refused with one message naming the file.
/// </summary>
public static class ResultsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowTrailingCommas = false,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    public static T Deserialize<T>(string json, string name) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new ResultsFormatException($"{name}: the file holds null, not a results object.");
        }
        catch (JsonException e)
        {
            throw new ResultsFormatException($"{name}: not a valid results file{Where(e)}: {FirstSentence(e.Message)}");
        }
    }

    // ---- run files --------------------------------------------------------------------------------------------------

    /// <summary>Writes a run file in canonical form: settings by name, observations by claim and layer.</summary>
    public static string WriteRun(RunFile run) => Serialize(Canonical(run));

    public static RunFile Canonical(RunFile run) => run with
    {
        Run = run.Run with { Settings = new SortedDictionary<string, string>(run.Run.Settings.ToDictionary(), StringComparer.Ordinal) },
        Observations = [.. run.Observations
            .OrderBy(o => o.Claim, StringComparer.Ordinal)
            .ThenBy(o => o.Layer, StringComparer.Ordinal)],
    };

    /// <summary>Reads and validates a run file of version 1 or 2; any problem is one <see cref="ResultsFormatException"/> naming the file.</summary>
    public static RunFile ReadRun(string path) => ParseRun(ReadText(path), path);

    public static RunFile ParseRun(string text, string name)
    {
        var version = CheckHeader(text, name, RunFile.SchemaId, [LegacyResultsFile.Version, RunFile.CurrentVersion]);
        if (version == LegacyResultsFile.Version)
        {
            var legacy = Deserialize<LegacyResultsFile>(text, name);
            ValidateLegacy(legacy, name);
            return FromLegacy(legacy);
        }

        var run = Deserialize<RunFile>(text, name);
        ValidateRun(run, name);
        return Canonical(run);
    }

    /// <summary>A version 1 file as a run: named as <see cref="RunName"/> names it, each observation with the hash of the code the file carries.</summary>
    public static RunFile FromLegacy(LegacyResultsFile legacy)
    {
        var hashes = legacy.Claims
            .SelectMany(c => c.Variants.Select(v => (c.Id, v.Layer, Hash: BodyHash.Of(v.Code))))
            .ToDictionary(x => (x.Id, x.Layer), x => x.Hash);
        var os = Enum.Parse<Os>(legacy.Run.Os);
        return Canonical(new RunFile(
            RunFile.SchemaId,
            LegacyResultsFile.Version,
            RunName.Of(os, legacy.Run.Kernel, qualifier: null),
            legacy.Run,
            [.. legacy.Observations.Select(o => o with { BodyHash = hashes[(o.Claim, o.Layer)] })]));
    }

    public static void ValidateRun(RunFile run, string name)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        if (!HostOs.TryParse(run.Run.Os, out var os))
        {
            Fail($"unknown OS \"{run.Run.Os}\"; expected one of {string.Join(", ", Enum.GetNames<Os>())}.");
        }

        if (string.IsNullOrWhiteSpace(run.Run.How) || string.IsNullOrWhiteSpace(run.Run.Commit) || run.Run.IPv6 is null)
        {
            Fail("the run does not say how it ran, at which commit, or whether IPv6 was available (\"how\", \"commit\", \"ipv6\").");
        }

        string expected = "";
        try
        {
            expected = RunName.Of(os, run.Run.Kernel, run.Run.Qualifier ?? "");
        }
        catch (ArgumentException e)
        {
            Fail(e.Message);
        }

        if (run.Name != expected)
        {
            Fail($"the run is named \"{run.Name}\", but its OS, kernel and qualifier name it \"{expected}\".");
        }

        ValidateObservations(run.Observations, name, requireHash: true);
    }

    private static void ValidateObservations(IReadOnlyList<Observation> observations, string name, bool requireHash)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        var seen = new HashSet<(string, string)>();
        foreach (var observation in observations)
        {
            if (string.IsNullOrWhiteSpace(observation.Claim) || !Enum.TryParse<Layer>(observation.Layer, out _)
                || !seen.Add((observation.Claim, observation.Layer)))
            {
                Fail($"the observation of \"{observation.Claim}\" on layer \"{observation.Layer}\" has no claim, an unknown layer, or appears twice.");
            }

            var ok = observation.Status switch
            {
                Observation.Observed => !string.IsNullOrEmpty(observation.Outcome),
                Observation.Skipped => !string.IsNullOrWhiteSpace(observation.SkipReason),
                _ => false,
            };
            if (!ok)
            {
                Fail($"the observation of \"{observation.Claim}\" ({observation.Layer}) has status \"{observation.Status}\" without its outcome or skip reason.");
            }

            if (requireHash && !BodyHash.IsWellFormed(observation.BodyHash))
            {
                Fail($"the observation of \"{observation.Claim}\" ({observation.Layer}) has no body hash of {BodyHash.Length} hex digits.");
            }
        }
    }

    private static void ValidateLegacy(LegacyResultsFile results, string name)
    {
        if (!HostOs.TryParse(results.Run.Os, out _))
        {
            throw new ResultsFormatException($"{name}: unknown OS \"{results.Run.Os}\"; expected one of {string.Join(", ", Enum.GetNames<Os>())}.");
        }

        ValidateClaims(results.Claims, name, catalog: false);
        ValidateObservations(results.Observations, name, requireHash: false);
        var layers = results.Claims.SelectMany(c => c.Variants.Select(v => (c.Id, v.Layer))).ToHashSet();
        foreach (var observation in results.Observations.Where(o => !layers.Contains((o.Claim, o.Layer))))
        {
            throw new ResultsFormatException(
                $"{name}: an observation names claim \"{observation.Claim}\" on layer \"{observation.Layer}\", which the file does not define.");
        }
    }

    // ---- the catalog ------------------------------------------------------------------------------------------------

    public static string WriteCatalog(CatalogFile catalog) => Serialize(Canonical(catalog));

    public static CatalogFile Canonical(CatalogFile catalog) => catalog with
    {
        Claims = [.. catalog.Claims
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => c with { Variants = [.. c.Variants.OrderBy(v => v.Layer, StringComparer.Ordinal).Select(CanonicalVariant)] })],
    };

    public static CatalogFile ReadCatalog(string path) => ParseCatalog(ReadText(path), path);

    public static CatalogFile ParseCatalog(string text, string name)
    {
        CheckHeader(text, name, CatalogFile.SchemaId, [CatalogFile.CurrentVersion]);
        var catalog = Deserialize<CatalogFile>(text, name);
        ValidateClaims(catalog.Claims, name, catalog: true);
        return Canonical(catalog);
    }

    public static void ValidateClaims(IReadOnlyList<ClaimDefinition> claims, string name, bool catalog)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            if (string.IsNullOrWhiteSpace(claim.Id) || !ids.Add(claim.Id))
            {
                Fail($"claim id \"{claim.Id}\" is empty or appears twice.");
            }

            if (Topic.Find(claim.Topic) is null)
            {
                Fail($"claim \"{claim.Id}\" names an unknown topic \"{claim.Topic}\".");
            }

            if (string.IsNullOrWhiteSpace(claim.Sentence) || claim.Variants.Count == 0)
            {
                Fail($"claim \"{claim.Id}\" has no sentence or no layer.");
            }

            foreach (var variant in claim.Variants)
            {
                if (!Enum.TryParse<Layer>(variant.Layer, out _) || claim.Variants.Count(v => v.Layer == variant.Layer) > 1)
                {
                    Fail($"claim \"{claim.Id}\" has an unknown or repeated layer \"{variant.Layer}\".");
                }

                foreach (var os in Enum.GetNames<Os>())
                {
                    if (!variant.Expectations.TryGetValue(os, out var expectation)
                        || string.IsNullOrWhiteSpace(expectation.Outcome)
                        || string.IsNullOrWhiteSpace(expectation.Source))
                    {
                        Fail($"claim \"{claim.Id}\" ({variant.Layer}) has no expectation with a source for {os}.");
                    }
                }

                foreach (var os in variant.Expectations.Keys.Concat(variant.Snapshots?.Keys ?? []).Where(k => !HostOs.TryParse(k, out _)))
                {
                    Fail($"claim \"{claim.Id}\" ({variant.Layer}) names unknown OS \"{os}\".");
                }

                if (catalog && (variant.BodyHash != BodyHash.Of(variant.Code) || variant.Snapshots is null))
                {
                    Fail($"claim \"{claim.Id}\" ({variant.Layer}): its body hash is not the hash of its code, or it has no snapshots entry; "
                        + "the catalog is generated, never edited by hand.");
                }
            }
        }
    }

    // ---- shared -----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Reads a file of the record <typeparamref name="T"/> strictly: any problem (unreadable, not JSON, not the record,
    /// not what <paramref name="validate"/> accepts) is one <see cref="ResultsFormatException"/> naming the file.
    /// </summary>
    public static T Read<T>(string path, Action<T, string> validate) where T : class
    {
        var file = Deserialize<T>(ReadText(path), path);
        validate(file, path);
        return file;
    }

    /// <summary>Refuses a file whose schema or version is not the one this build writes.</summary>
    public static void RequireSchema(string name, string kind, (string Id, int Version) found, (string Id, int Version) expected)
    {
        if (found != expected)
        {
            throw new ResultsFormatException(
                $"{name}: is not {kind} of schema \"{expected.Id}\" version {expected.Version} (it says \"{found.Id}\" version {found.Version}).");
        }
    }

    /// <summary>A file's text; a file that cannot be read is one <see cref="ResultsFormatException"/> naming it.</summary>
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsFormatException($"{path}: cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// Checks "schema" and "schemaVersion" before anything else, so that another kind of file or a future version gets a
    /// clear message rather than a field error; returns the version.
    /// </summary>
    private static int CheckHeader(string text, string name, string schemaId, IReadOnlyList<int> versions)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ResultsFormatException($"{name}: the file is empty.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ResultsFormatException($"{name}: not valid JSON{Where(e)}; the file may be truncated.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("schema", out var schema)
                || schema.ValueKind != JsonValueKind.String
                || schema.GetString() != schemaId)
            {
                var found = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out var s) ? $" (it says \"{s}\")" : "";
                throw new ResultsFormatException($"{name}: not a BindingBehaviour file of schema \"{schemaId}\"{found}.");
            }

            if (!root.TryGetProperty("schemaVersion", out var version)
                || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var number)
                || !versions.Contains(number))
            {
                throw new ResultsFormatException(
                    $"{name}: schema version {(root.TryGetProperty("schemaVersion", out var v) ? v.GetRawText() : "(missing)")} is not supported; this build reads {schemaId} version {string.Join(" or ", versions)}.");
            }

            return number;
        }
    }

    private static ClaimVariant CanonicalVariant(ClaimVariant variant) => variant with
    {
        Expectations = Enum.GetNames<Os>()
            .Where(variant.Expectations.ContainsKey)
            .ToDictionary(os => os, os => variant.Expectations[os]),
        Snapshots = variant.Snapshots is null
            ? null
            : Enum.GetNames<Os>().Where(variant.Snapshots.ContainsKey).ToDictionary(os => os, os => variant.Snapshots[os]),
    };

    private static string Where(JsonException e) => e.LineNumber is { } line ? $" (line {line + 1})" : "";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
