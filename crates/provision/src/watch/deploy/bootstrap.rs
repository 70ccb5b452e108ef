//! Whether a binary can be the watching function's `bootstrap`: Lambda's OS-only runtime
//! `provided.al2023` runs any Linux executable of the function's architecture
//! (<https://docs.aws.amazon.com/lambda/latest/dg/runtimes-provided.html>). That runtime is
//! Amazon Linux 2023, whose glibc is 2.34
//! (<https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html>): a static (musl) build
//! always runs; a dynamic one runs when its interpreter and libraries are glibc's and the GCC
//! runtime's, and no symbol version it needs is newer than the runtime has (a build on a newer
//! distribution fails with "version `GLIBC_2.38' not found":
//! <https://github.com/aws/aws-lambda-rust-runtime/issues/932>). Read from the ELF file itself
//! (`DT_NEEDED`, `.gnu.version_r`), never assumed from where it was built.

use object::read::elf::{ElfFile64, FileHeader as _, ProgramHeader as _};
use object::{elf, Endianness};

/// The ELF section lambda-trust's own binary carries, holding `lambda-trust VERSION`: how a
/// package is told from any other executable.
pub(crate) const PACKAGE_SECTION: &str = ".lambda_trust";

/// The newest glibc `provided.al2023` has.
const RUNTIME_GLIBC: (u32, u32) = (2, 34);
/// The newest GCC runtime version node of its `libgcc_s.so.1` (GCC 11's).
const RUNTIME_GCC: (u32, u32) = (11, 0);
/// glibc's libraries (one package, version 2.34) and the GCC runtime, as a dynamic Rust build
/// links them.
const RUNTIME_LIBRARIES: [&str; 9] = [
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
    "libutil.so.1",
    "libgcc_s.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
];

/// What an executable is, as the runtime would load it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Executable {
    /// `x86_64` or `arm64` (Lambda's names), `None` for another machine.
    pub architecture: Option<&'static str>,
    /// `e_machine`, said when it is neither.
    pub machine: u16,
    /// `PT_INTERP`: the dynamic loader it asks for; `None` when static.
    pub interpreter: Option<String>,
    /// `DT_NEEDED`: the libraries it loads.
    pub needed: Vec<String>,
    /// `.gnu.version_r`: each symbol version it needs (`GLIBC_2.34`, `GCC_3.0`).
    pub versions: Vec<String>,
    /// What its [`PACKAGE_SECTION`] holds (`lambda-trust 0.1.0`), when it has one.
    pub package: Option<String>,
}

/// A binary the runtime can run as lambda-trust: its architecture and what it says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrap {
    /// The function's architecture: `x86_64` or `arm64`.
    pub architecture: &'static str,
    /// What it says it is: `lambda-trust VERSION`.
    pub package: String,
    /// The newest glibc it needs (`2.34`), `None` for a static build.
    pub glibc: Option<String>,
}

/// `bytes` read as a 64-bit ELF executable, or why they are not one.
pub(crate) fn read_executable(bytes: &[u8]) -> Result<Executable, String> {
    let file = ElfFile64::<Endianness>::parse(bytes)
        .map_err(|_| "it is not a 64-bit ELF file (a Linux binary)".to_owned())?;
    let endian = file.endian();
    let header = file.elf_header();
    let machine = header.e_machine(endian);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let headers = header.program_headers(endian, bytes).map_err(err)?;
    let interpreter = headers.iter().find_map(|p| {
        let data = p.interpreter(endian, bytes).ok().flatten()?;
        Some(text(data))
    });
    let sections = file.elf_section_table();
    let dynamic = sections.dynamic_table(endian, bytes).map_err(err)?;
    let needed = (dynamic.iter())
        .filter(|d| d.tag == elf::DT_NEEDED)
        .map(|d| dynamic.string(d).map(text).map_err(err))
        .collect::<Result<_, _>>()?;
    Ok(Executable {
        architecture: match machine {
            elf::EM_X86_64 => Some("x86_64"),
            elf::EM_AARCH64 => Some("arm64"),
            _ => None,
        },
        machine: machine.0,
        interpreter,
        needed,
        versions: version_needs(&file, bytes)?,
        package: package_mark(&file, bytes),
    })
}

fn err(e: object::read::Error) -> String {
    format!("its ELF headers cannot be read ({e})")
}

/// Every version named in `.gnu.version_r`.
fn version_needs(file: &ElfFile64<Endianness>, bytes: &[u8]) -> Result<Vec<String>, String> {
    let endian = file.endian();
    let sections = file.elf_section_table();
    let Some((mut needs, link)) = sections.gnu_verneed(endian, bytes).map_err(err)? else {
        return Ok(Vec::new());
    };
    let strings = sections.strings(endian, bytes, link).map_err(err)?;
    let mut out = Vec::new();
    while let Some((_, mut aux)) = needs.next().map_err(err)? {
        while let Some(v) = aux.next().map_err(err)? {
            let name = v.name(endian, strings).map_err(err)?;
            out.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    Ok(out)
}

fn package_mark(file: &ElfFile64<Endianness>, bytes: &[u8]) -> Option<String> {
    let endian = file.endian();
    let sections = file.elf_section_table();
    let (_, section) = sections.section_by_name(endian, PACKAGE_SECTION.as_bytes())?;
    let data = object::read::elf::SectionHeader::data(section, endian, bytes).ok()?;
    let text = String::from_utf8_lossy(data);
    Some(text.trim_end_matches('\0').to_owned())
}

/// Whether `provided.al2023` runs the executable `bytes` hold as lambda-trust, else why not:
/// not an ELF file, or what it needs against what the runtime has.
pub fn runs_on_al2023(bytes: &[u8]) -> Result<Bootstrap, String> {
    fits_runtime(&read_executable(bytes)?)
}

/// Whether `provided.al2023` runs `exe` as lambda-trust, else why not, naming what it needs
/// against what the runtime has.
fn fits_runtime(exe: &Executable) -> Result<Bootstrap, String> {
    let Some(architecture) = exe.architecture else {
        return Err(format!(
            "its machine ({}) is neither x86_64 nor aarch64, the two Lambda runs",
            exe.machine
        ));
    };
    let package = match &exe.package {
        Some(p) if p.starts_with("lambda-trust ") => p.clone(),
        _ => return Err("it is not lambda-trust (it has no lambda-trust package mark)".into()),
    };
    if let Some(interpreter) = &exe.interpreter {
        let loader = interpreter.rsplit('/').next().unwrap_or_default();
        if !RUNTIME_LIBRARIES.contains(&loader) {
            return Err(format!(
                "it asks for the loader {interpreter}, which provided.al2023 does not have"
            ));
        }
    }
    if let Some(library) = (exe.needed.iter()).find(|l| !RUNTIME_LIBRARIES.contains(&l.as_str())) {
        return Err(format!(
            "it loads {library}; provided.al2023 has glibc's libraries and libgcc_s only"
        ));
    }
    let glibc = newest(&exe.versions, "GLIBC_");
    if let Some((_, name)) = glibc.as_ref().filter(|(v, _)| *v > RUNTIME_GLIBC) {
        return Err(format!(
            "it needs {name}; provided.al2023 has glibc {}.{}",
            RUNTIME_GLIBC.0, RUNTIME_GLIBC.1
        ));
    }
    if let Some((_, name)) = newest(&exe.versions, "GCC_").filter(|(v, _)| *v > RUNTIME_GCC) {
        return Err(format!(
            "it needs {name}; provided.al2023's libgcc_s is GCC {}'s",
            RUNTIME_GCC.0
        ));
    }
    let glibc = exe
        .interpreter
        .as_ref()
        .map(|_| glibc.map_or_else(String::new, |(_, name)| name["GLIBC_".len()..].to_owned()));
    Ok(Bootstrap {
        architecture,
        package,
        glibc,
    })
}

/// The newest `PREFIXmajor.minor[.patch]` among `versions`, as (major, minor) and its name.
fn newest(versions: &[String], prefix: &str) -> Option<((u32, u32), String)> {
    (versions.iter())
        .filter_map(|name| {
            let mut parts = name.strip_prefix(prefix)?.split('.');
            let major = parts.next()?.parse().ok()?;
            let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
            Some(((major, minor), name.clone()))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glibc_build(versions: &[&str]) -> Executable {
        Executable {
            architecture: Some("x86_64"),
            machine: elf::EM_X86_64.0,
            interpreter: Some("/lib64/ld-linux-x86-64.so.2".into()),
            needed: [
                "libgcc_s.so.1",
                "libm.so.6",
                "libc.so.6",
                "ld-linux-x86-64.so.2",
            ]
            .map(str::to_owned)
            .to_vec(),
            versions: versions.iter().map(|v| v.to_string()).collect(),
            package: Some("lambda-trust 0.1.0".into()),
        }
    }

    #[test]
    fn a_glibc_build_needing_at_most_2_34_runs_and_a_newer_one_is_refused_naming_both() {
        let fits = glibc_build(&["GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.9", "GCC_4.2.0"]);
        let ok = fits_runtime(&fits).unwrap();
        assert_eq!(
            (ok.architecture, ok.glibc.as_deref()),
            ("x86_64", Some("2.34"))
        );
        let newer = glibc_build(&["GLIBC_2.34", "GLIBC_2.39", "GLIBC_2.4"]);
        assert_eq!(
            fits_runtime(&newer).unwrap_err(),
            "it needs GLIBC_2.39; provided.al2023 has glibc 2.34"
        );
        // 2.4 < 2.34: versions compare by number, never as text.
        assert!(fits_runtime(&glibc_build(&["GLIBC_2.4"])).is_ok());
    }

    #[test]
    fn a_library_or_loader_the_runtime_lacks_is_refused_by_name() {
        let mut ssl = glibc_build(&[]);
        ssl.needed.push("libssl.so.3".into());
        assert!(fits_runtime(&ssl)
            .unwrap_err()
            .contains("it loads libssl.so.3"));
        let mut musl_loader = glibc_build(&[]);
        musl_loader.interpreter = Some("/lib/ld-musl-x86_64.so.1".into());
        assert!(fits_runtime(&musl_loader)
            .unwrap_err()
            .contains("loader /lib/ld-musl-x86_64.so.1"));
    }

    #[test]
    fn a_static_build_runs_and_another_program_or_machine_is_refused() {
        let static_build = Executable {
            interpreter: None,
            needed: Vec::new(),
            ..glibc_build(&[])
        };
        assert_eq!(fits_runtime(&static_build).unwrap().glibc, None);
        let hello = Executable {
            package: None,
            ..static_build.clone()
        };
        assert!(fits_runtime(&hello)
            .unwrap_err()
            .contains("not lambda-trust"));
        let riscv = Executable {
            architecture: None,
            machine: elf::EM_RISCV.0,
            ..static_build
        };
        assert!(fits_runtime(&riscv).unwrap_err().contains("(243)"));
    }

    #[test]
    fn this_test_binary_is_read_as_the_runtime_loads_it() {
        let bytes = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let exe = read_executable(&bytes).unwrap();
        assert!(exe.architecture.is_some());
        assert!(exe.needed.iter().any(|l| l == "libc.so.6"), "{exe:?}");
        assert!(exe.versions.iter().any(|v| v.starts_with("GLIBC_")));
        assert!(exe.interpreter.is_some());
        assert!(read_executable(b"#!/bin/sh\necho hi\n").is_err());
    }
}
