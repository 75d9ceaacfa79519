//! Derives for the inscene core's JSON readers.
//!
//! The core reads its wire types with small hand-rolled visitors rather than
//! serde's `Deserialize` derive (which compiles a second reader for arrays and
//! a field enum per type: tens of kilobytes in the mobile and web libraries).
//! These derives write those visitors from the same `#[serde(...)]` attributes
//! that serde's `Serialize` derive and the JSON Schema derive read, so each
//! wire type is described once:
//!
//! - [`WireStruct`]: a field is required unless it is an `Option` (absent is
//!   `None`) or has `#[serde(default)]` / `#[serde(default = "path")]`; its
//!   name is the field's, or `#[serde(rename = "...")]`. Unknown fields are
//!   skipped, a repeated one is an error, as with serde's derive.
//! - [`WireNames`]: a unit enum's variants by `#[serde(rename_all = "...")]`
//!   (`snake_case` or `lowercase`) or `#[serde(rename = "...")]`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, LitStr, Type, parse_macro_input};

/// Reads a struct from a JSON object: see the crate documentation.
#[proc_macro_derive(WireStruct, attributes(serde))]
pub fn wire_struct(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    struct_reader(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Reads a unit enum from its wire name: see the crate documentation.
#[proc_macro_derive(WireNames, attributes(serde))]
pub fn wire_names(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    names(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// What a `#[serde(...)]` list says that a reader needs.
#[derive(Default)]
struct Serde {
    rename: Option<String>,
    rename_all: Option<String>,
    /// `default` (`Some(None)`) or `default = "path"` (`Some(Some(path))`).
    default: Option<Option<syn::ExprPath>>,
}

fn serde_attrs(attrs: &[Attribute]) -> syn::Result<Serde> {
    let mut out = Serde::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("rename_all") {
                out.rename_all = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                out.default = Some(match meta.input.peek(syn::Token![=]) {
                    true => Some(meta.value()?.parse::<LitStr>()?.parse()?),
                    false => None,
                });
            } else if ["skip", "skip_deserializing", "flatten", "deserialize_with", "with", "alias"]
                .iter()
                .any(|a| meta.path.is_ident(a))
            {
                return Err(meta.error("the wire readers do not support this serde attribute"));
            } else if meta.input.peek(syn::Token![=]) {
                // Serialization-only (`skip_serializing_if = "..."`, `tag`, `bound`): not the reader's.
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn struct_reader(input: &DeriveInput) -> syn::Result<Tokens> {
    let ty = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(input.generics.span(), "WireStruct takes no generics"));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(input.span(), "WireStruct is for structs"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(input.span(), "WireStruct needs named fields"));
    };
    if serde_attrs(&input.attrs)?.rename_all.is_some() {
        return Err(syn::Error::new(
            input.span(),
            "WireStruct reads field names as written; rename_all is not supported",
        ));
    }
    let (mut idents, mut names, mut takes, mut required) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for field in &fields.named {
        let ident = field.ident.clone().ok_or_else(|| syn::Error::new(field.span(), "unnamed field"))?;
        let attrs = serde_attrs(&field.attrs)?;
        let name = attrs.rename.unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        let var = format_ident!("__{}", ident);
        let take = match (&attrs.default, is_option(&field.ty)) {
            (Some(Some(path)), _) => quote!(#var.unwrap_or_else(#path)),
            (Some(None), _) => quote!(#var.unwrap_or_default()),
            (None, true) => quote!(#var.unwrap_or(None)),
            (None, false) => quote!(#var.ok_or_else(|| A::Error::missing_field(#name))?),
        };
        required.push(attrs.default.is_none() && !is_option(&field.ty));
        idents.push(ident);
        names.push(name);
        takes.push(take);
    }
    let vars: Vec<_> = idents.iter().map(|i| format_ident!("__{}", i)).collect();
    let expecting = format!("a {ty} object");
    Ok(quote! {
        impl #ty {
            /// Wire name of every field, and whether it is required: the JSON
            /// Schema test holds these to the schema's `required`.
            #[doc(hidden)]
            #[allow(dead_code)]
            pub const WIRE_FIELDS: &'static [(&'static str, bool)] = &[#((#names, #required)),*];
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = #ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#ty, A::Error> {
                        #(let mut #vars = None;)*
                        while let Some(crate::wire::Key(key)) = map.next_key()? {
                            match key.as_ref() {
                                #(#names => {
                                    if #vars.is_some() {
                                        return Err(A::Error::duplicate_field(#names));
                                    }
                                    #vars = Some(map.next_value()?);
                                })*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(#ty { #(#idents: #takes,)* })
                    }
                }
                d.deserialize_map(V)
            }
        }
    })
}

/// `UserRequest` as `user_request`.
fn snake_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn names(input: &DeriveInput) -> syn::Result<Tokens> {
    let ty = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(input.span(), "WireNames is for enums"));
    };
    let rename_all = serde_attrs(&input.attrs)?.rename_all;
    let (mut variants, mut names) = (Vec::new(), Vec::new());
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new(v.span(), "WireNames is for unit variants"));
        }
        let ident = v.ident.to_string();
        let name = match (serde_attrs(&v.attrs)?.rename, rename_all.as_deref()) {
            (Some(name), _) => name,
            (None, Some("snake_case")) => snake_case(&ident),
            (None, Some("lowercase")) => ident.to_lowercase(),
            (None, None) => ident,
            (None, Some(other)) => {
                return Err(syn::Error::new(input.span(), format!("rename_all = \"{other}\" is not supported")));
            }
        };
        variants.push(&v.ident);
        names.push(name);
    }
    Ok(quote! {
        impl #ty {
            /// Every wire name, in declaration order.
            #[allow(dead_code)]
            pub(crate) const WIRE_NAMES: &'static [&'static str] = &[#(#names),*];
            #[allow(dead_code)]
            pub(crate) const WIRE_VARIANTS: &'static [#ty] = &[#(#ty::#variants),*];

            /// The variant's name in JSON.
            #[allow(dead_code)]
            pub fn wire_name(self) -> &'static str {
                match self {
                    #(#ty::#variants => #names),*
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let i = crate::wire::variant(d, Self::WIRE_NAMES)?;
                Self::WIRE_VARIANTS.get(i).copied().ok_or_else(|| serde::de::Error::custom("unknown variant"))
            }
        }
    })
}
