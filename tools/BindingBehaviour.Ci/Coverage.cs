using System.Globalization;
using System.Xml.Linq;

namespace BindingBehaviour.Ci;

/// <summary>
/// <c>coverage DIR</c>: line coverage per assembly from the Cobertura files coverlet wrote below DIR, the engine first. A
/// line counts as covered when any report hit it. Always exit 0: coverage is shown, not judged.
/// </summary>
public static class Coverage
{
    public static int Run(string folder)
    {
        var covered = new Dictionary<string, Dictionary<(string File, string Line), bool>>(StringComparer.Ordinal);
        var reports = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "coverage.cobertura.xml", SearchOption.AllDirectories) : [];
        foreach (var report in reports)
        {
            foreach (var package in XDocument.Load(report).Descendants("package"))
            {
                var lines = covered.TryGetValue(package.Attribute("name")?.Value ?? "", out var known)
                    ? known
                    : covered[package.Attribute("name")?.Value ?? ""] = [];
                foreach (var @class in package.Descendants("class"))
                {
                    foreach (var line in @class.Descendants("line"))
                    {
                        var key = (@class.Attribute("filename")?.Value ?? "", line.Attribute("number")?.Value ?? "");
                        var hit = int.Parse(line.Attribute("hits")?.Value ?? "0", CultureInfo.InvariantCulture) > 0;
                        lines[key] = lines.GetValueOrDefault(key) || hit;
                    }
                }
            }
        }

        foreach (var (name, lines) in covered.OrderBy(c => c.Key != "BindingBehaviour").ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            var hit = lines.Values.Count(h => h);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"line coverage {name}: {hit}/{lines.Count} = {100.0 * hit / Math.Max(lines.Count, 1):0.0}%"));
        }

        return 0;
    }
}
