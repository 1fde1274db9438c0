using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

/// <summary>A results file that cannot be used, with one message that names the file and what is wrong.</summary>
public sealed class ResultsFormatException(string message) : Exception(message);

/// <summary>Reads results files strictly and writes them deterministically.</summary>
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

    /// <summary>Writes a results file in canonical form: claims by id, variants and observations by claim and layer.</summary>
    public static string Write(ResultsFile results) => Serialize(Canonical(results));

    public static ResultsFile Canonical(ResultsFile results) => results with
    {
        Run = results.Run with { Settings = new SortedDictionary<string, string>(results.Run.Settings.ToDictionary(), StringComparer.Ordinal) },
        Claims = [.. results.Claims
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => c with { Variants = [.. c.Variants.OrderBy(v => v.Layer, StringComparer.Ordinal).Select(CanonicalVariant)] })],
        Observations = [.. results.Observations
            .OrderBy(o => o.Claim, StringComparer.Ordinal)
            .ThenBy(o => o.Layer, StringComparer.Ordinal)],
    };

    /// <summary>Reads and validates a results file; any problem is one <see cref="ResultsFormatException"/> naming the file.</summary>
    public static ResultsFile Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsFormatException($"{path}: cannot be read: {e.Message}");
        }

        return Parse(text, path);
    }

    public static ResultsFile Parse(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ResultsFormatException($"{name}: the file is empty.");
        }

        // The schema fields are checked first, so that a future version gets a clear message, not a field error.
        CheckSchemaHeader(text, name);
        var results = Deserialize<ResultsFile>(text, name);
        Validate(results, name);
        return results;
    }

    private static void CheckSchemaHeader(string text, string name)
    {
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
                || schema.GetString() != ResultsFile.SchemaId)
            {
                throw new ResultsFormatException($"{name}: not a BindingBehaviour results file (\"schema\" must be \"{ResultsFile.SchemaId}\").");
            }

            if (!root.TryGetProperty("schemaVersion", out var version)
                || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var number)
                || number != ResultsFile.CurrentVersion)
            {
                throw new ResultsFormatException(
                    $"{name}: schema version {(root.TryGetProperty("schemaVersion", out var v) ? v.GetRawText() : "(missing)")} is not supported; this build reads version {ResultsFile.CurrentVersion}.");
            }
        }
    }

    public static void Validate(ResultsFile results, string name)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        if (!HostOs.TryParse(results.Run.Os, out _))
        {
            Fail($"unknown OS \"{results.Run.Os}\"; expected one of {string.Join(", ", Enum.GetNames<Os>())}.");
        }

        var claims = new Dictionary<string, ClaimDefinition>(StringComparer.Ordinal);
        foreach (var claim in results.Claims)
        {
            if (string.IsNullOrWhiteSpace(claim.Id) || !claims.TryAdd(claim.Id, claim))
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

                foreach (var os in variant.Expectations.Keys.Where(k => !HostOs.TryParse(k, out _)))
                {
                    Fail($"claim \"{claim.Id}\" ({variant.Layer}) has an expectation for unknown OS \"{os}\".");
                }
            }
        }

        var seen = new HashSet<(string, string)>();
        foreach (var observation in results.Observations)
        {
            if (!claims.TryGetValue(observation.Claim, out var claim))
            {
                Fail($"an observation names claim \"{observation.Claim}\", which the file does not define.");
                continue;
            }

            if (claim.Variants.All(v => v.Layer != observation.Layer) || !seen.Add((observation.Claim, observation.Layer)))
            {
                Fail($"the observation of \"{observation.Claim}\" on layer \"{observation.Layer}\" is not a defined layer or appears twice.");
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
        }
    }

    private static ClaimVariant CanonicalVariant(ClaimVariant variant) => variant with
    {
        Expectations = Enum.GetNames<Os>()
            .Where(variant.Expectations.ContainsKey)
            .ToDictionary(os => os, os => variant.Expectations[os]),
    };

    private static string Where(JsonException e) => e.LineNumber is { } line ? $" (line {line + 1})" : "";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
