//! Charts as inline SVG: drawn on the server, readable without scripts,
//! each with a text alternative (a title per mark, and a caption).

use maud::{Markup, html};

/// One series of a chart: its name, its colour, a value per category.
pub struct Series<'a> {
    /// Shown in the legend and each mark's title.
    pub name: &'a str,
    /// A CSS colour.
    pub color: &'a str,
    /// A value per category, in order.
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;
/// Gridlines above zero: with the axis tops below (1, 2, 2.5, 5 and 10
/// times a power of ten) each step is a round number from 10 up.
const TICKS: u32 = 5;

fn legend(series: &[Series]) -> Markup {
    html! {
        p.legend aria-hidden="true" {
            @for one in series {
                span {
                    svg.swatch width="12" height="12" viewBox="0 0 12 12" { rect width="12" height="12" fill=(one.color) {} }
                    (one.name)
                }
            }
        }
    }
}

/// The largest value, rounded up to a readable axis top.
fn axis_top(series: &[Series]) -> f64 {
    let most = series
        .iter()
        .flat_map(|one| one.values.iter().copied())
        .fold(0.0_f64, f64::max);
    if most <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(most.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|top| *top >= most)
        .unwrap_or(most)
}

fn grid(top: f64, label: impl Fn(f64) -> String) -> Markup {
    let plot = HEIGHT - BOTTOM - TOP;
    html! {
        @for tick in 0..=TICKS {
            @let value = top * f64::from(tick) / f64::from(TICKS);
            @let y = TOP + plot - plot * f64::from(tick) / f64::from(TICKS);
            line x1=(LEFT) x2=(WIDTH) y1=(y) y2=(y) stroke="#d8dde3" {}
            text x=(LEFT - 6.0) y=(y + 4.0) text-anchor="end" font-size="11" fill="#5b6570" { (label(value)) }
        }
    }
}

/// A count on the axis: whole where it is, one decimal where not.
fn count(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// Grouped bars: a group per category (`labels`), a bar per series.
pub fn bars(caption: &str, labels: &[String], series: &[Series]) -> Markup {
    let top = axis_top(series);
    let plot = HEIGHT - BOTTOM - TOP;
    let group = (WIDTH - LEFT) / labels.len().max(1) as f64;
    let bar = (group * 0.8) / series.len().max(1) as f64;
    let every = labels.len().div_ceil(8).max(1);
    html! {
        figure {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(caption) {
                (grid(top, count))
                @for (index, label) in labels.iter().enumerate() {
                    @let x0 = LEFT + group * index as f64 + group * 0.1;
                    @for (place, one) in series.iter().enumerate() {
                        @let value = one.values.get(index).copied().unwrap_or(0.0);
                        @let height = plot * value / top;
                        rect x=(x0 + bar * place as f64) y=(TOP + plot - height) width=(bar.max(1.0)) height=(height) fill=(one.color) {
                            title { (label) ": " (value) " " (one.name) }
                        }
                    }
                    @if index % every == 0 {
                        text x=(x0) y=(HEIGHT - 8.0) font-size="11" fill="#5b6570" { (label) }
                    }
                }
            }
            (legend(series))
            figcaption { (caption) }
        }
    }
}

/// Lines over a numeric x axis (`xs`), one per series, each value a
/// fraction of `top` (`None`: the largest value sets it); `y_label` formats
/// the axis.
pub fn lines(
    caption: &str,
    xs: &[f64],
    series: &[Series],
    top: Option<f64>,
    y_label: impl Fn(f64) -> String,
) -> Markup {
    let top = top.unwrap_or_else(|| axis_top(series));
    let plot = HEIGHT - BOTTOM - TOP;
    let (low, high) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
    let span = if high > low { high - low } else { 1.0 };
    let x_at = |x: f64| LEFT + 8.0 + (WIDTH - LEFT - 16.0) * (x - low) / span;
    let y_at = |value: f64| TOP + plot - plot * (value / top).clamp(0.0, 1.0);
    html! {
        figure {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-label=(caption) {
                (grid(top, &y_label))
                @for one in series {
                    @let points: Vec<String> = xs.iter().zip(&one.values)
                        .map(|(x, value)| format!("{:.1},{:.1}", x_at(*x), y_at(*value)))
                        .collect();
                    polyline points=(points.join(" ")) fill="none" stroke=(one.color) stroke-width="2" {}
                    @for (x, value) in xs.iter().zip(&one.values) {
                        circle cx=(x_at(*x)) cy=(y_at(*value)) r="3.5" fill=(one.color) {
                            title { (one.name) " at " (x) ": " (y_label(*value)) }
                        }
                    }
                }
                @for x in xs {
                    text x=(x_at(*x)) y=(HEIGHT - 8.0) font-size="11" text-anchor="middle" fill="#5b6570" { (x) }
                }
            }
            (legend(series))
            figcaption { (caption) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_at_a_round_number_above_the_largest_value() {
        let series = |values: Vec<f64>| {
            vec![Series {
                name: "leads",
                color: "#000",
                values,
            }]
        };
        assert_eq!(axis_top(&series(vec![3.0, 7.0])), 10.0);
        assert_eq!(axis_top(&series(vec![120.0])), 200.0);
        assert_eq!(axis_top(&series(vec![2400.0])), 2500.0);
        assert_eq!(axis_top(&series(vec![0.0])), 1.0);
    }

    #[test]
    fn each_bar_carries_its_value_as_text() {
        let labels = vec!["2026-11-23".to_string(), "2026-11-30".to_string()];
        let chart = bars(
            "Leads by week",
            &labels,
            &[Series {
                name: "leads",
                color: "#123",
                values: vec![4.0, 9.0],
            }],
        )
        .into_string();
        assert!(chart.contains("2026-11-30: 9 leads"), "{chart}");
        assert!(chart.contains(r#"aria-label="Leads by week""#), "{chart}");
    }
}
