package search

import (
	"slices"
	"strconv"
)

// FacetKind is a facet of the sections: a field by which a query filters
// (role:admin, or ?role=admin) and by which hits are counted. FacetKinds
// lists them once; query parsing, filters, counts, the API, the search
// page and the static search script all follow that table, so adding a
// facet starts here (and in the index's mapping and Document).
type FacetKind struct {
	// Key names the facet in queries and URL parameters.
	Key string `json:"key"`
	// Name is the facet as the page and messages call it.
	Name string `json:"name"`
	// Example is a value, for messages.
	Example string `json:"example"`
	// List is the name of the facet's values in Meta and of its counts in
	// Facets (JSON).
	List string `json:"list"`
}

// NamedKinds returns FacetKinds with each name as name gives it, from the
// facet's key and its name here: a site's language names the facets in the
// answers of the API and of the static index.
func NamedKinds(name func(key, fallback string) string) []FacetKind {
	out := slices.Clone(FacetKinds)
	for i := range out {
		out[i].Name = name(out[i].Key, out[i].Name)
	}
	return out
}

// FacetKinds lists the facets in the order the page shows them.
var FacetKinds = []FacetKind{
	{Key: "chapter", Name: "章", Example: "7", List: "chapters"},
	{Key: "role", Name: "役割", Example: "admin", List: "roles"},
	{Key: "level", Name: "レベル", Example: "2", List: "levels"},
}

// FacetKindOf returns the kind with key.
func FacetKindOf(key string) (FacetKind, bool) {
	for _, k := range FacetKinds {
		if k.Key == key {
			return k, true
		}
	}
	return FacetKind{}, false
}

// The accessors below map a kind to its fields; they are the only places
// that name each facet's field.

// Values returns the kind's values in m, in display order.
func (k FacetKind) Values(m Meta) []Facet {
	return *k.meta(&m)
}

func (k FacetKind) meta(m *Meta) *[]Facet {
	switch k.Key {
	case "chapter":
		return &m.Chapters
	case "role":
		return &m.Roles
	}
	return &m.Levels
}

// In returns the values of the kind a query filters by.
func (k FacetKind) In(q *Query) *[]string {
	switch k.Key {
	case "chapter":
		return &q.Chapters
	case "role":
		return &q.Roles
	}
	return &q.Levels
}

// Of returns the value of the kind a request filters by ("" for any).
func (k FacetKind) Of(r *Request) *string {
	switch k.Key {
	case "chapter":
		return &r.Chapter
	case "role":
		return &r.Role
	}
	return &r.Level
}

// Counts returns the counted values of the kind in f.
func (k FacetKind) Counts(f Facets) []FacetCount {
	switch k.Key {
	case "chapter":
		return f.Chapters
	case "role":
		return f.Roles
	}
	return f.Levels
}

// FacetValues returns the document's values of kind.
func (d Document) FacetValues(k FacetKind) []string {
	var v string
	switch k.Key {
	case "chapter":
		v = d.Chapter
	case "role":
		return d.Roles
	default:
		if d.Level != 0 {
			v = strconv.Itoa(d.Level)
		}
	}
	if v == "" {
		return nil
	}
	return []string{v}
}
